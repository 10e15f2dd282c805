package io.github.vstreamcdc.sql;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the SQL jar holds: only our own classes and relocated third-party ones, service files that
 * name classes in the jar, Netty's native libraries under their relocated names, licences; no
 * Flink, no signatures. The last tests load the jar in a class loader of its own (no Flink, no gRPC
 * on the class path) and use gRPC, Netty's epoll transport and protobuf from it.
 */
class ShadedJarContentsIT {

    private static final String PREFIX = "io/github/vstreamcdc/shaded/";

    /** Third-party packages that must appear only relocated, in any class of the jar. */
    private static final String[] RELOCATED =
            new String[] {
                "io/grpc/",
                "com/google/",
                "io/perfmark/",
                "org/jspecify/",
                "org/codehaus/mojo/animal_sniffer/",
                "android/annotation/",
                "io/netty/"
            };

    /** Entries outside our packages that are allowed, as patterns over the whole name. */
    private static final List<Pattern> ALLOWED_OTHER =
            patterns(
                    "META-INF/",
                    "META-INF/MANIFEST\\.MF",
                    "META-INF/LICENSE",
                    "META-INF/NOTICE",
                    "META-INF/licenses/(LICENSE\\.[a-z-]+)?",
                    // Netty's notice and the licences it refers to (grpc-netty-shaded).
                    "META-INF/NOTICE\\.txt",
                    "META-INF/license/(LICENSE\\.[a-z-]+\\.txt)?",
                    "META-INF/io\\.grpc\\.netty\\.shaded\\.io\\.netty\\.versions\\.properties",
                    "META-INF/services/",
                    "META-INF/services/org\\.apache\\.flink\\.table\\.factories\\.Factory",
                    "META-INF/services/io\\.github\\.vstreamcdc\\.shaded\\.[A-Za-z0-9_.$]+",
                    "META-INF/native/",
                    "META-INF/native/(lib)?io_github_vstreamcdc_shaded_io_grpc_netty_shaded_netty_"
                            + "[a-z0-9_]+\\.(so|jnilib|dll)",
                    "io/",
                    "io/github/",
                    "io/github/vstreamcdc/");

    /** Our own, unrelocated packages. */
    private static final List<String> OWN =
            List.of(
                    "io/github/vstreamcdc/catalog/",
                    "io/github/vstreamcdc/messaging/",
                    "io/github/vstreamcdc/source/",
                    "io/github/vstreamcdc/table/",
                    "io/github/vstreamcdc/vitess/");

    private static File jar;
    private static Map<String, byte[]> entries;

    @BeforeAll
    static void open() throws IOException {
        String path = System.getProperty("shaded.jar");
        assertThat(path).as("system property shaded.jar").isNotBlank();
        jar = new File(path);
        assertThat(jar).as("the shaded jar (run `mvn package` first)").isFile();
        entries = new LinkedHashMap<>();
        try (JarFile file = new JarFile(jar)) {
            Enumeration<JarEntry> all = file.entries();
            while (all.hasMoreElements()) {
                JarEntry entry = all.nextElement();
                try (InputStream in = file.getInputStream(entry)) {
                    entries.put(entry.getName(), readAll(in));
                }
            }
        }
    }

    @Test
    void holdsOnlyOurOwnAndRelocatedClasses() {
        List<String> misplaced = new ArrayList<>();
        for (String name : entries.keySet()) {
            boolean ours =
                    name.startsWith(PREFIX)
                            || OWN.stream().anyMatch(name::startsWith)
                            || ALLOWED_OTHER.stream().anyMatch(p -> p.matcher(name).matches());
            if (!ours) {
                misplaced.add(name);
            }
        }
        assertThat(misplaced)
                .as("entries that are neither ours, relocated, nor an allowed resource")
                .isEmpty();
        assertThat(entries.keySet())
                .noneMatch(n -> n.startsWith("org/apache/flink/"))
                .noneMatch(n -> n.startsWith("com/mysql/"))
                .noneMatch(n -> n.matches("META-INF/.*\\.(SF|DSA|RSA|EC)"))
                .noneMatch(n -> n.endsWith("module-info.class"));
        // What must be there.
        assertThat(entries.keySet())
                .contains(
                        "io/github/vstreamcdc/table/PlanetScaleDynamicTableFactory.class",
                        "io/github/vstreamcdc/catalog/PlanetScaleCatalogFactory.class",
                        "io/github/vstreamcdc/messaging/table/PlanetScaleMessagingTableFactory.class",
                        "io/github/vstreamcdc/source/PlanetScaleSource.class",
                        "io/github/vstreamcdc/vitess/proto/Binlogdata.class",
                        PREFIX + "io/grpc/ManagedChannel.class",
                        PREFIX + "io/grpc/netty/shaded/io/netty/channel/epoll/Epoll.class",
                        PREFIX + "com/google/protobuf/GeneratedMessage.class",
                        PREFIX + "com/google/common/collect/ImmutableList.class",
                        PREFIX + "io/perfmark/PerfMark.class");
    }

    @Test
    void noClassReferencesAnUnrelocatedThirdPartyPackage() throws IOException {
        List<String> offenders = new ArrayList<>();
        for (Map.Entry<String, byte[]> entry : entries.entrySet()) {
            if (!entry.getKey().endsWith(".class")) {
                continue;
            }
            for (String constant : utf8Constants(entry.getValue())) {
                for (String pkg : RELOCATED) {
                    // A class name ("io/grpc/Status"), a descriptor or signature
                    // ("(Lio/grpc/Status;)V"), or a class name in a string ("io.grpc.Status").
                    if (constant.startsWith(pkg)
                            || constant.contains("L" + pkg)
                            || constant.startsWith(pkg.replace('/', '.'))) {
                        offenders.add(entry.getKey() + " -> " + constant);
                    }
                }
            }
        }
        assertThat(offenders).as("classes that reference unrelocated packages").isEmpty();
    }

    /** The CONSTANT_Utf8 entries of a class file's constant pool. */
    private static List<String> utf8Constants(byte[] classFile) throws IOException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(classFile));
        if (in.readInt() != 0xCAFEBABE) {
            throw new IOException("not a class file");
        }
        in.readUnsignedShort(); // minor
        in.readUnsignedShort(); // major
        int count = in.readUnsignedShort();
        List<String> out = new ArrayList<>();
        for (int i = 1; i < count; i++) {
            int tag = in.readUnsignedByte();
            switch (tag) {
                case 1: // Utf8
                    out.add(in.readUTF());
                    break;
                case 7: // Class
                case 8: // String
                case 16: // MethodType
                case 19: // Module
                case 20: // Package
                    in.skipBytes(2);
                    break;
                case 15: // MethodHandle
                    in.skipBytes(3);
                    break;
                case 3: // Integer
                case 4: // Float
                case 9: // Fieldref
                case 10: // Methodref
                case 11: // InterfaceMethodref
                case 12: // NameAndType
                case 17: // Dynamic
                case 18: // InvokeDynamic
                    in.skipBytes(4);
                    break;
                case 5: // Long
                case 6: // Double
                    in.skipBytes(8);
                    i++;
                    break;
                default:
                    throw new IOException("unknown constant pool tag " + tag);
            }
        }
        return out;
    }

    @Test
    void serviceFilesNameClassesOfTheJar() {
        Map<String, List<String>> services = new LinkedHashMap<>();
        for (Map.Entry<String, byte[]> entry : entries.entrySet()) {
            String name = entry.getKey();
            if (!name.startsWith("META-INF/services/") || name.endsWith("/")) {
                continue;
            }
            List<String> providers = new ArrayList<>();
            for (String line : new String(entry.getValue(), StandardCharsets.UTF_8).split("\n")) {
                String provider = line.replaceAll("#.*", "").trim();
                if (!provider.isEmpty()) {
                    providers.add(provider);
                }
            }
            services.put(name.substring("META-INF/services/".length()), providers);
        }
        assertThat(services)
                .containsKeys(
                        "org.apache.flink.table.factories.Factory",
                        "io.github.vstreamcdc.shaded.io.grpc.ManagedChannelProvider",
                        "io.github.vstreamcdc.shaded.io.grpc.NameResolverProvider",
                        "io.github.vstreamcdc.shaded.io.grpc.LoadBalancerProvider");
        assertThat(services.get("org.apache.flink.table.factories.Factory"))
                .containsExactly(
                        "io.github.vstreamcdc.table.PlanetScaleDynamicTableFactory",
                        "io.github.vstreamcdc.catalog.PlanetScaleCatalogFactory",
                        "io.github.vstreamcdc.messaging.table.PlanetScaleMessagingTableFactory");
        List<String> missing = new ArrayList<>();
        for (Map.Entry<String, List<String>> service : services.entrySet()) {
            if (!service.getKey().equals("org.apache.flink.table.factories.Factory")) {
                assertThat(service.getKey()).startsWith("io.github.vstreamcdc.shaded.");
                assertThat(entries).containsKey(service.getKey().replace('.', '/') + ".class");
            }
            assertThat(service.getValue()).as(service.getKey()).isNotEmpty();
            for (String provider : service.getValue()) {
                if (!entries.containsKey(provider.replace('.', '/') + ".class")) {
                    missing.add(service.getKey() + ": " + provider);
                }
            }
        }
        assertThat(missing).as("service providers that are not in the jar").isEmpty();
    }

    @Test
    void licenceAndNoticeArePresent() {
        String notice = text("META-INF/NOTICE");
        assertThat(notice)
                .contains("io.grpc:grpc-netty-shaded")
                .contains("com.google.protobuf:protobuf-java")
                .contains("com.google.guava:guava")
                .contains("io.perfmark:perfmark-api")
                .contains("Not bundled")
                .contains("com.mysql:mysql-connector-j")
                .contains("flink-connector-base");
        assertThat(text("META-INF/LICENSE")).contains("Apache License").contains("Version 2.0");
        assertThat(text("META-INF/licenses/LICENSE.protobuf")).contains("Google Inc.");
        assertThat(text("META-INF/NOTICE.txt")).contains("Netty");
    }

    // ------------------------------------------------------------------------------------------
    // The jar on its own: relocated service loading, native transport, protobuf
    // ------------------------------------------------------------------------------------------

    private static URLClassLoader isolatedLoader() throws IOException {
        return new URLClassLoader(
                new URL[] {jar.toURI().toURL()}, ClassLoader.getPlatformClassLoader());
    }

    @Test
    void grpcFindsItsRelocatedNettyTransport() throws Exception {
        try (URLClassLoader loader = isolatedLoader()) {
            Class<?> registry =
                    loader.loadClass("io.github.vstreamcdc.shaded.io.grpc.ManagedChannelRegistry");
            Object instance = registry.getMethod("getDefaultRegistry").invoke(null);
            Method provider = registry.getDeclaredMethod("provider");
            provider.setAccessible(true);
            Object channelProvider = provider.invoke(instance);
            assertThat(channelProvider).as("gRPC's channel provider").isNotNull();
            assertThat(channelProvider.getClass().getName())
                    .isEqualTo(
                            "io.github.vstreamcdc.shaded.io.grpc.netty.shaded.io.grpc.netty"
                                    + ".NettyChannelProvider");
        }
    }

    @Test
    void nettyLoadsItsRenamedNativeEpollLibrary() throws Exception {
        String os = System.getProperty("os.name").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch");
        if (!os.contains("linux") || !(arch.equals("amd64") || arch.equals("aarch64"))) {
            return; // Netty ships epoll for Linux x86_64 and aarch64 only.
        }
        try (URLClassLoader loader = isolatedLoader()) {
            Class<?> epoll =
                    loader.loadClass(
                            "io.github.vstreamcdc.shaded.io.grpc.netty.shaded.io.netty.channel"
                                    + ".epoll.Epoll");
            boolean available = (Boolean) epoll.getMethod("isAvailable").invoke(null);
            Throwable cause = (Throwable) epoll.getMethod("unavailabilityCause").invoke(null);
            assertThat(available)
                    .as("Netty's epoll transport (cause: %s)", String.valueOf(cause))
                    .isTrue();
        }
    }

    @Test
    void relocatedProtobufParsesVitessMessages() throws Exception {
        try (URLClassLoader loader = isolatedLoader()) {
            Class<?> vgtid = loader.loadClass("io.github.vstreamcdc.vitess.proto.Binlogdata$VGtid");
            Class<?> shardGtid =
                    loader.loadClass("io.github.vstreamcdc.vitess.proto.Binlogdata$ShardGtid");
            Object shard = shardGtid.getMethod("newBuilder").invoke(null);
            shard.getClass().getMethod("setKeyspace", String.class).invoke(shard, "customer");
            shard.getClass().getMethod("setShard", String.class).invoke(shard, "-80");
            shard.getClass().getMethod("setGtid", String.class).invoke(shard, "MySQL56/a:1-5");
            Object builtShard = shard.getClass().getMethod("build").invoke(shard);
            Object builder = vgtid.getMethod("newBuilder").invoke(null);
            builder.getClass().getMethod("addShardGtids", shardGtid).invoke(builder, builtShard);
            Object message = builder.getClass().getMethod("build").invoke(builder);
            byte[] bytes = (byte[]) message.getClass().getMethod("toByteArray").invoke(message);
            Object parsed = vgtid.getMethod("parseFrom", byte[].class).invoke(null, bytes);
            assertThat(parsed).isEqualTo(message);
            assertThat(parsed.toString()).contains("MySQL56/a:1-5");
        }
    }

    private static String text(String entry) {
        assertThat(entries).containsKey(entry);
        return new String(entries.get(entry), StandardCharsets.UTF_8);
    }

    private static List<Pattern> patterns(String... regexes) {
        List<Pattern> out = new ArrayList<>();
        for (String regex : regexes) {
            out.add(Pattern.compile(regex));
        }
        return out;
    }

    private static byte[] readAll(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        int n;
        while ((n = in.read(buffer)) > 0) {
            out.write(buffer, 0, n);
        }
        return out.toByteArray();
    }
}
