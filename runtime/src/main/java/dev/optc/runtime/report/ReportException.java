package dev.optc.runtime.report;

import java.io.IOException;

/** A run's record cannot be read: the directory or a file is missing, or a line is not what a metrics log writes. */
public final class ReportException extends IOException {
    public ReportException(String message) {
        super(message);
    }

    public ReportException(String message, Throwable cause) {
        super(message, cause);
    }
}
