package io.slotway.itests;

import static org.ops4j.pax.exam.CoreOptions.bundle;
import static org.ops4j.pax.exam.CoreOptions.frameworkProperty;
import static org.ops4j.pax.exam.CoreOptions.junitBundles;
import static org.ops4j.pax.exam.CoreOptions.options;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;
import static org.ops4j.pax.exam.CoreOptions.systemTimeout;
import static org.ops4j.pax.exam.cm.ConfigurationAdminOptions.newConfiguration;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Dictionary;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.JarFile;

import io.slotway.launcher.ConfigFiles;

import org.ops4j.pax.exam.Option;

/**
 * The one options factory every suite uses: a Felix with exactly the distribution's
 * {@code bundle/}, configured the way
 * {@code bin/slotway} configures it — the same framework properties, and the distribution's
 * {@code conf/*.cfg} read by the launcher's own reader and given to ConfigAdmin before SCR or any
 * Slotway bundle starts. Everything comes from local files: the distribution directory, the
 * pgjdbc jar in the local Maven repository, and pax-exam's link-assembly jars on the classpath.
 *
 * <p>Start levels: ConfigAdmin and the configuration bundles at 1, everything else at pax-exam's
 * default provisioning level (3), the probe at 5.
 */
public final class SlotwayOptions {

    public static final String HOST = "127.0.0.1";
    public static final String SERVER_PID = "io.slotway.server";
    public static final String SOURCE_PID = "io.slotway.source.h2";

    private static final String CONFIG_ADMIN_BSN = "org.apache.felix.configadmin";
    private static final int EARLY = 1;

    private SlotwayOptions() {
    }

    /** The distribution, on a free port of 127.0.0.1, with a fresh data directory. */
    public static Option[] baseOptions() {
        return baseOptions(freePort());
    }

    public static Option[] baseOptions(int port) {
        try {
            Path dist = Path.of(required("slotway.distribution")).toAbsolutePath().normalize();
            Path workRoot = Path.of(required("slotway.itest.work")).toAbsolutePath();
            Files.createDirectories(workRoot);
            Path work = Files.createTempDirectory(workRoot, "run-");
            Path data = Files.createDirectories(work.resolve("data"));
            Path deploy = Files.createDirectories(work.resolve("deploy"));
            Path conf = dist.resolve("conf");

            // The launcher's framework properties (io.slotway.launcher.Main#frameworkProperties).
            Map<String, String> fw = new LinkedHashMap<>();
            fw.put("slotway.home", dist.toString());
            fw.put("slotway.conf", conf.toString());
            fw.put("slotway.data", data.toString());
            fw.put("slotway.listen", HOST);
            fw.put("slotway.port", Integer.toString(port));
            fw.put("felix.fileinstall.dir", deploy.toString());
            fw.put("felix.fileinstall.poll", "1000");
            fw.put("felix.fileinstall.noInitialDelay", "true");
            fw.put("felix.fileinstall.enableConfigSave", "false");

            List<Option> o = new ArrayList<>();
            fw.forEach((k, v) -> o.add(frameworkProperty(k).value(v)));
            o.add(systemTimeout(60_000));
            o.add(systemProperty("org.slf4j.simpleLogger.defaultLogLevel").value("info"));
            o.add(systemProperty("org.slf4j.simpleLogger.log.io.netty").value("warn"));

            for (Path jar : jars(dist.resolve("bundle"))) {
                boolean fragment = isFragment(jar);
                var b = bundle(jar.toUri().toString()).start(!fragment);
                if (CONFIG_ADMIN_BSN.equals(symbolicName(jar))) {
                    b.startLevel(EARLY);
                }
                o.add(b);
            }
            o.add(bundle(Path.of(required("slotway.itest.pgjdbc")).toUri().toString()));
            o.add(junitBundles());

            for (Map.Entry<String, Dictionary<String, Object>> e : ConfigFiles.read(conf, fw::get).entrySet()) {
                Map<String, Object> props = new HashMap<>();
                for (String key : Collections.list(e.getValue().keys())) {
                    props.put(key, e.getValue().get(key));
                }
                o.add(newConfiguration(e.getKey()).putAll(props).asOption());
            }
            return options(o.toArray(new Option[0]));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The jars in a directory, by name (absent directory: none). */
    public static List<Path> jars(Path dir) throws IOException {
        List<Path> jars = new ArrayList<>();
        if (Files.isDirectory(dir)) {
            try (DirectoryStream<Path> s = Files.newDirectoryStream(dir, "*.jar")) {
                s.forEach(jars::add);
            }
        }
        jars.sort(null);
        return jars;
    }

    static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean isFragment(Path jar) throws IOException {
        try (JarFile j = new JarFile(jar.toFile())) {
            return j.getManifest() != null && j.getManifest().getMainAttributes().getValue("Fragment-Host") != null;
        }
    }

    private static String symbolicName(Path jar) throws IOException {
        try (JarFile j = new JarFile(jar.toFile())) {
            String bsn = j.getManifest() == null ? null : j.getManifest().getMainAttributes().getValue("Bundle-SymbolicName");
            return bsn == null ? null : bsn.split(";")[0].trim();
        }
    }

    private static String required(String name) {
        String v = System.getProperty(name);
        if (v == null || v.isBlank()) {
            throw new IllegalStateException("system property " + name + " is not set (run the suites with mvn verify)");
        }
        return v;
    }
}
