package dev.optc.runtime.solvers;

/** The dense vector arithmetic the solvers share, sequential so that results do not depend on threads. */
final class Vectors {
    private Vectors() {
    }

    static double dot(double[] a, double[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) sum += a[i] * b[i];
        return sum;
    }

    static double norm2(double[] a) {
        return Math.sqrt(dot(a, a));
    }

    static double normInf(double[] a) {
        double max = 0;
        for (double value : a) max = Math.max(max, Math.abs(value));
        return max;
    }

    /** a − b, new. */
    static double[] difference(double[] a, double[] b) {
        double[] out = new double[a.length];
        for (int i = 0; i < a.length; i++) out[i] = a[i] - b[i];
        return out;
    }

    /** −a, new. */
    static double[] negated(double[] a) {
        double[] out = new double[a.length];
        for (int i = 0; i < a.length; i++) out[i] = -a[i];
        return out;
    }
}
