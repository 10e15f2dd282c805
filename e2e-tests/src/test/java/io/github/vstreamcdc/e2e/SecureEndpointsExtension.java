package io.github.vstreamcdc.e2e;

/**
 * Starts the secure endpoints ({@code secure.sh up}) before a test class, once per JVM, and injects
 * {@link SecureEndpoints}. Endpoints that cannot start fail the test class.
 */
public final class SecureEndpointsExtension extends SetupScriptExtension<SecureEndpoints> {

    public SecureEndpointsExtension() {
        super(SecureEndpoints.class, SecureEndpoints::get);
    }
}
