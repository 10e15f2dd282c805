package io.github.vstreamcdc.source.client;

import org.apache.flink.annotation.PublicEvolving;

/** A failure talking to Vitess, with a message that says what went wrong and where. */
@PublicEvolving
public class VitessException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public VitessException(String message) {
        super(message);
    }

    public VitessException(String message, Throwable cause) {
        super(message, cause);
    }

    public static String firstLine(String message) {
        if (message == null) {
            return "";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
