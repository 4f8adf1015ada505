package dev.optc.runtime.data;

/** Bad input data. The message names the file and, where there is one, the row and column: {@code file:row:column: ...}. */
public final class DataException extends RuntimeException {
    public DataException(String message) {
        super(message);
    }

    public DataException(String message, Throwable cause) {
        super(message, cause);
    }
}
