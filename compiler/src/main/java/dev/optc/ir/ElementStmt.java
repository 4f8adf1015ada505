package dev.optc.ir;

/** An assignment of an update rule; statements run in order and later reads see earlier writes. */
public sealed interface ElementStmt {
    ElementExpr value();

    record SetTheta(ElementExpr value) implements ElementStmt {
    }

    record SetState(int index, ElementExpr value) implements ElementStmt {
    }

    record SetLocal(int index, ElementExpr value) implements ElementStmt {
    }
}
