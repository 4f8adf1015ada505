package dev.optc.runtime.solvers;

/**
 * A full-batch solver as a recipe names it: {@code newton(damping)}, {@code cg(beta, restart)}, {@code bfgs()},
 * {@code lbfgs(history)}, {@code coordinate_descent(block)}. Fields a solver does not use are ignored.
 *
 * @param restart conjugate gradient's restart interval; 0 restarts every n iterations
 */
public record SolverChoice(String kind, double damping, String beta, int restart, int history, int block,
                           double tolerance) {

    public Minimizer minimizer() {
        return switch (kind) {
            case "newton" -> new Newton(damping);
            case "cg" -> {
                ConjugateGradient.Beta b = beta.equals("fletcher_reeves") ? ConjugateGradient.Beta.FLETCHER_REEVES
                        : ConjugateGradient.Beta.POLAK_RIBIERE;
                yield restart > 0 ? new ConjugateGradient(b, restart) : new ConjugateGradient(b);
            }
            case "bfgs" -> new Bfgs();
            case "lbfgs" -> new Lbfgs(history);
            case "coordinate_descent" -> new CoordinateDescent(block);
            default -> throw new IllegalArgumentException("unknown solver " + kind);
        };
    }
}
