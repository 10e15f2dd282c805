package io.github.vstreamcdc.e2e;

/**
 * Starts the real Vitess before a test class (once per JVM) and injects {@link VitessCluster}. A
 * cluster that cannot start fails the test class.
 */
public final class VitessClusterExtension extends SetupScriptExtension<VitessCluster> {

    public VitessClusterExtension() {
        super(VitessCluster.class, VitessCluster::get);
    }
}
