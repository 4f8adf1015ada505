package dev.optc.interpret;

import dev.optc.ir.ElementExpr;
import dev.optc.ir.ElementStmt;
import dev.optc.ir.UpdateKernel;

/**
 * The reference meaning of an {@link UpdateKernel}, in double precision, one element at a time. The oracle that
 * generated kernels are compared with.
 */
public final class UpdateInterpreter {
    private final UpdateKernel kernel;
    private final double[] hyper;
    /** Per-element state, [state][element]. */
    private final double[][] state;
    private double gradientScale = 1;

    public UpdateInterpreter(UpdateKernel kernel, int size) {
        this.kernel = kernel;
        this.hyper = kernel.hyperparameters().stream().mapToDouble(UpdateKernel.Hyperparameter::value).toArray();
        this.state = new double[kernel.states().size()][size];
        for (int s = 0; s < state.length; s++) {
            if (kernel.states().get(s).initial() instanceof ElementExpr.Theta) continue; // set by initialize(θ)
            double initial = eval(kernel.states().get(s).initial(), 0, 0, 0, null, new double[0], 0);
            java.util.Arrays.fill(state[s], initial);
        }
    }

    /** Sets the states that start equal to θ (the averaged weights θ̂). */
    public void initialize(double[] theta) {
        for (int s = 0; s < state.length; s++) {
            if (kernel.states().get(s).initial() instanceof ElementExpr.Theta) System.arraycopy(theta, 0, state[s], 0, theta.length);
        }
    }

    /** The factor of gradient clipping by norm for the next step. */
    public void setGradientScale(double scale) { gradientScale = scale; }

    public void setHyperparameter(int index, double value) { hyper[index] = value; }

    public double state(int s, int element) { return state[s][element]; }

    public void setState(int s, int element, double value) { state[s][element] = value; }

    /** The point where the gradient is to be taken at step t (θ itself when the rule has no lookahead). */
    public double[] lookahead(double[] theta, long t) {
        double[] point = theta.clone();
        if (kernel.lookahead() == null) return point;
        double[] scalars = scalars(t);
        for (int i = 0; i < theta.length; i++) {
            point[i] = eval(kernel.lookahead(), theta[i], 0, i, scalars, new double[kernel.locals()], t);
        }
        return point;
    }

    /** One step: θ and the state updated in place, given the gradient g at the lookahead point. */
    public void step(double[] theta, double[] g, long t) {
        double[] scalars = scalars(t);
        double[] locals = new double[kernel.locals()];
        for (int i = 0; i < theta.length; i++) {
            double th = theta[i];
            for (ElementStmt s : kernel.body()) {
                double v = eval(s.value(), th, g[i], i, scalars, locals, t);
                switch (s) {
                    case ElementStmt.SetTheta x -> th = v;
                    case ElementStmt.SetState x -> state[x.index()][i] = v;
                    case ElementStmt.SetLocal x -> locals[x.index()] = v;
                }
            }
            theta[i] = th;
        }
    }

    /** The per-step scalars of step t, in double: what the generated trainer computes before each update. */
    public double[] scalars(long t) {
        double[] values = new double[kernel.scalars().size()];
        for (int s = 0; s < values.length; s++) values[s] = eval(kernel.scalars().get(s), 0, 0, 0, null, null, t);
        return values;
    }

    private double eval(ElementExpr e, double theta, double g, int i, double[] scalars, double[] locals, long t) {
        return switch (e) {
            case ElementExpr.Const c -> c.value();
            case ElementExpr.Hyper h -> hyper[h.index()];
            case ElementExpr.Step s -> t;
            case ElementExpr.GradientScale s -> gradientScale;
            case ElementExpr.Scalar s -> scalars[s.index()];
            case ElementExpr.Theta x -> theta;
            case ElementExpr.Grad x -> g;
            case ElementExpr.State s -> state[s.index()][i];
            case ElementExpr.Local l -> locals[l.index()];
            case ElementExpr.Unary u -> ElementArithmetic.unary(u.fn(), eval(u.operand(), theta, g, i, scalars, locals, t));
            case ElementExpr.Binary b -> ElementArithmetic.binary(b.fn(), eval(b.left(), theta, g, i, scalars, locals, t),
                    eval(b.right(), theta, g, i, scalars, locals, t));
            case ElementExpr.Select s -> eval(s.condition(), theta, g, i, scalars, locals, t) != 0
                    ? eval(s.then(), theta, g, i, scalars, locals, t) : eval(s.otherwise(), theta, g, i, scalars, locals, t);
        };
    }
}
