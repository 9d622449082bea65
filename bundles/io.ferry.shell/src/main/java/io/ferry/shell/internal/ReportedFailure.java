package io.ferry.shell.internal;

import org.apache.karaf.shell.support.CommandException;

/**
 * The exit status of a command that has printed a report of a failure: a session that ended
 * FAILED, a repository with damaged chunks, unmet requirements. With {@code --json} the report
 * is the output a script parses, so nothing may follow it, yet the command must fail so that
 * {@code bin/client -b}, {@code ./ferry client} and {@code ssh host 'ferry:...'} exit non-zero.
 *
 * <p>Karaf's shell prints a {@link CommandException} as its "nice help" alone (other exceptions
 * as {@code Error executing command: message}, in colour); an empty help prints an empty
 * line, which JSON allows after the value. The message stays for the log and for callers in
 * Java.
 */
final class ReportedFailure {

    private ReportedFailure() {
    }

    /** To throw once the report is printed: the command then exits non-zero and prints nothing more. */
    static CommandException of(String message) {
        return new CommandException("", message);
    }
}
