package io.github.vstreamcdc.e2e;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

import java.util.function.Supplier;

/**
 * Starts what a set-up script runs before a test class (once per JVM, see {@link SetupScript}) and
 * injects it as a parameter of type {@code T}. If it cannot start, the test class fails.
 */
abstract class SetupScriptExtension<T> implements BeforeAllCallback, ParameterResolver {

    private final Class<T> type;
    private final Supplier<T> running;

    SetupScriptExtension(Class<T> type, Supplier<T> running) {
        this.type = type;
        this.running = running;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        running.get();
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == type;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return running.get();
    }
}
