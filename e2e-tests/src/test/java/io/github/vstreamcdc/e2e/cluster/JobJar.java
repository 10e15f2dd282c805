package io.github.vstreamcdc.e2e.cluster;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URISyntaxException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.HashSet;
import java.util.Set;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarInputStream;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

/**
 * The jars the cluster tests give to Flink: the shaded SQL connector jar as the build made it, and
 * a job's fat jar as a user would build it with the shade plugin (the job's classes plus the
 * connector with its relocated dependencies; Flink's own classes stay out: the cluster has them).
 */
final class JobJar {

    private JobJar() {}

    /** {@code flink-sql-connector-planetscale-*.jar}: the build's, or -Dplanetscale.sql.jar. */
    static Path sqlConnectorJar() throws IOException {
        String configured = System.getProperty("planetscale.sql.jar");
        if (configured != null && !configured.isEmpty()) {
            return Paths.get(configured).toAbsolutePath();
        }
        Path target = Paths.get("..", "flink-sql-connector-planetscale", "target");
        try (DirectoryStream<Path> jars =
                Files.newDirectoryStream(target, "flink-sql-connector-planetscale-*.jar")) {
            for (Path jar : jars) {
                return jar.toAbsolutePath().normalize();
            }
        }
        throw new IOException("No flink-sql-connector-planetscale jar in " + target);
    }

    /**
     * Writes a fat jar with the main class (and its nested classes) from the test classes and the
     * SQL connector jar's content.
     */
    static Path build(Class<?> mainClass, Path jar) throws IOException {
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, mainClass.getName());
        Set<String> written = new HashSet<>();
        try (OutputStream file = Files.newOutputStream(jar);
                JarOutputStream out = new JarOutputStream(file, manifest)) {
            written.add("META-INF/MANIFEST.MF");
            Path classes = classesDir(mainClass);
            String packageDir = mainClass.getPackage().getName().replace('.', '/');
            try (DirectoryStream<Path> own =
                    Files.newDirectoryStream(
                            classes.resolve(packageDir), mainClass.getSimpleName() + "*.class")) {
                for (Path c : own) {
                    String name = packageDir + "/" + c.getFileName();
                    out.putNextEntry(new JarEntry(name));
                    Files.copy(c, out);
                    out.closeEntry();
                    written.add(name);
                }
            }
            try (InputStream in = Files.newInputStream(sqlConnectorJar());
                    JarInputStream connector = new JarInputStream(in)) {
                for (JarEntry entry = connector.getNextJarEntry();
                        entry != null;
                        entry = connector.getNextJarEntry()) {
                    if (written.add(entry.getName())) {
                        out.putNextEntry(new JarEntry(entry.getName()));
                        connector.transferTo(out);
                        out.closeEntry();
                    }
                }
            }
        }
        return jar;
    }

    private static Path classesDir(Class<?> c) throws IOException {
        try {
            return Paths.get(c.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IOException(e);
        }
    }
}
