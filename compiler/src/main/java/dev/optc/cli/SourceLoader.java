package dev.optc.cli;

import dev.optc.diagnostics.SourceFile;
import java.io.IOException;
import java.nio.charset.MalformedInputException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Reads a `.opt` file for a command, turning I/O failures into one clear line. */
final class SourceLoader {
    private SourceLoader() {
    }

    static SourceFile read(Path path) throws UserError {
        try {
            return new SourceFile(path.toString(), Files.readString(path));
        } catch (NoSuchFileException e) {
            throw new UserError(path + ": no such file");
        } catch (MalformedInputException e) {
            throw new UserError(path + ": not a UTF-8 text file");
        } catch (IOException e) {
            throw new UserError(path + ": cannot read: " + e.getMessage());
        }
    }

    /** An error in what the user gave us; printed as one line, exit code 1. */
    static final class UserError extends Exception {
        UserError(String message) {
            super(message);
        }
    }
}
