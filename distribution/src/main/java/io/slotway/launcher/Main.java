package io.slotway.launcher;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.ServiceLoader;
import java.util.concurrent.atomic.AtomicBoolean;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.Constants;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.launch.Framework;
import org.osgi.framework.launch.FrameworkFactory;

import sun.misc.Signal;

/**
 * Starts Slotway: an embedded Apache Felix with every jar of {@code bundle/} installed and
 * started, {@code deploy/} watched by FileInstall, and {@code conf/*.cfg} given to ConfigAdmin
 * before any component can start. Runs until the framework stops (SIGTERM, Ctrl-C, or
 * {@code stop 0} in the shell) and then exits 0.
 */
public final class Main {

    private static final String CONFIG_ADMIN_BSN = "org.apache.felix.configadmin";
    private static final String CONFIG_ADMIN = "org.osgi.service.cm.ConfigurationAdmin";
    private static final String SIMPLE_LOGGER_FILE = "simplelogger.properties";
    private static final long STOP_TIMEOUT_MS = 30_000;

    private Main() {
    }

    public static void main(String[] args) {
        Path home = Path.of(System.getProperty("slotway.home", ".")).toAbsolutePath().normalize();
        Path cwd = Path.of("").toAbsolutePath();
        if (args.length > 0 && args[0].equals("shell")) {
            java.io.BufferedReader stdin = new java.io.BufferedReader(
                    new java.io.InputStreamReader(System.in, java.nio.charset.StandardCharsets.UTF_8));
            System.exit(ShellClient.run(java.util.Arrays.copyOfRange(args, 1, args.length), home, cwd, stdin,
                    System.console() != null, System.out, System.err));
            return;
        }
        Settings settings;
        try {
            settings = Settings.parse(args, home, cwd);
        } catch (Settings.UsageException e) {
            System.err.println("slotway: " + e.getMessage());
            System.err.print(Settings.USAGE);
            System.exit(2);
            return;
        } catch (IOException e) {
            System.err.println("slotway: " + e);
            System.exit(1);
            return;
        }
        if (settings == null) {
            System.out.print(Settings.USAGE);
            System.exit(0);
            return;
        }
        int status;
        try {
            status = run(settings);
        } catch (Exception e) {
            log("failed to start: " + e);
            e.printStackTrace();
            status = 1;
        }
        System.exit(status);
    }

    /** Framework properties for one start; also what the itests mirror. */
    static Map<String, String> frameworkProperties(Settings s) {
        Map<String, String> p = new HashMap<>();
        p.put(Constants.FRAMEWORK_STORAGE, s.data().resolve("felix-cache").toString());
        // bundle/ is the truth at every start; deploy/ is re-read by FileInstall.
        p.put(Constants.FRAMEWORK_STORAGE_CLEAN, Constants.FRAMEWORK_STORAGE_CLEAN_ONFIRSTINIT);
        p.put("slotway.home", s.home().toString());
        p.put("slotway.conf", s.conf().toString());
        p.put("slotway.data", s.data().toString());
        p.put("slotway.listen", s.listen());
        p.put("slotway.port", Integer.toString(s.port()));
        p.put("felix.fileinstall.dir", s.home().resolve("deploy").toString());
        p.put("felix.fileinstall.poll", "1000");
        p.put("felix.fileinstall.noInitialDelay", "true");
        p.put("felix.fileinstall.bundles.new.start", "true");
        p.put("felix.fileinstall.enableConfigSave", "false");
        p.put("felix.fileinstall.log.level", "2");
        return p;
    }

    static int run(Settings s) throws Exception {
        loadLoggingProperties(s.conf());
        Files.createDirectories(s.data());
        Files.createDirectories(s.home().resolve("deploy"));

        Map<String, String> props = frameworkProperties(s);
        FrameworkFactory factory = ServiceLoader.load(FrameworkFactory.class).iterator().next();
        Framework framework = factory.newFramework(props);
        framework.init();
        installStopHandlers(framework);
        BundleContext context = framework.getBundleContext();

        List<Bundle> boot = install(context, jars(s.home().resolve("bundle")));
        List<Bundle> shell = s.shell() ? install(context, jars(s.home().resolve("lib").resolve("shell"))) : List.of();
        framework.start();

        Bundle configAdmin = boot.stream()
                .filter(b -> CONFIG_ADMIN_BSN.equals(b.getSymbolicName()))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("no " + CONFIG_ADMIN_BSN + " in bundle/"));
        configAdmin.start();
        feedConfigAdmin(context, ConfigFiles.read(s.conf(), name -> {
            String v = props.get(name);
            return v != null ? v : System.getProperty(name);
        }));

        int failed = start(boot) + start(shell);
        for (Bundle b : context.getBundles()) {
            if (b.getState() == Bundle.INSTALLED) {
                log("not resolved: " + b.getSymbolicName() + " " + b.getVersion() + " (" + b.getLocation() + ")");
            }
        }
        ShellServer shellPort = startShellPort(s, context);
        log("started " + (boot.size() + shell.size()) + " bundles" + (failed > 0 ? " (" + failed + " failed)" : "")
                + "; server " + s.listen() + ":" + s.port() + ", data " + s.data() + ", conf " + s.conf()
                + (shellPort != null ? "; shell port 127.0.0.1:" + shellPort.port() : ""));

        FrameworkEvent event;
        try {
            event = framework.waitForStop(0);
        } finally {
            if (shellPort != null) {
                shellPort.close();
            }
        }
        log("stopped");
        return event.getType() == FrameworkEvent.ERROR ? 1 : 0;
    }

    /**
     * The loopback command port for {@code bin/slotway shell} (unless {@code shell.port} is -1). A port
     * that cannot be bound is logged, not fatal: the server itself is what matters.
     */
    private static ShellServer startShellPort(Settings s, BundleContext context) {
        Path accessFile = s.data().resolve(ShellProtocol.ACCESS_FILE);
        if (s.shellPort() < 0) {
            try {
                Files.deleteIfExists(accessFile); // a crashed run's
            } catch (IOException e) {
                log("cannot remove " + accessFile + ": " + e.getMessage());
            }
            return null;
        }
        try {
            return ShellServer.start(s.shellPort(), accessFile, new GogoSessions(context));
        } catch (IOException e) {
            log("no shell port: cannot listen on 127.0.0.1:" + s.shellPort() + ": " + e.getMessage());
            return null;
        }
    }

    /**
     * SIGTERM and Ctrl-C stop the framework (deactivating every component) and let main return
     * 0; a second signal while stopping gives up and exits 1. Any other JVM exit still stops the
     * framework through a shutdown hook.
     */
    private static void installStopHandlers(Framework framework) {
        AtomicBoolean stopping = new AtomicBoolean();
        for (String name : new String[] {"TERM", "INT"}) {
            try {
                Signal.handle(new Signal(name), sig -> {
                    if (stopping.compareAndSet(false, true)) {
                        log("SIG" + name + ": stopping");
                        stop(framework);
                    } else {
                        log("SIG" + name + " again: exiting without waiting");
                        Runtime.getRuntime().halt(1);
                    }
                });
            } catch (IllegalArgumentException e) {
                log("cannot handle SIG" + name + ": " + e.getMessage());
            }
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            if ((framework.getState() & (Bundle.ACTIVE | Bundle.STARTING)) != 0) {
                stop(framework);
                try {
                    framework.waitForStop(STOP_TIMEOUT_MS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }, "slotway-shutdown"));
    }

    private static void stop(Framework framework) {
        try {
            framework.stop(); // asynchronous in Felix; waitForStop in run() returns when done
        } catch (BundleException e) {
            log("stop failed: " + e);
        }
    }

    private static List<Path> jars(Path dir) throws IOException {
        List<Path> jars = new ArrayList<>();
        if (Files.isDirectory(dir)) {
            try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir, "*.jar")) {
                stream.forEach(jars::add);
            }
        }
        jars.sort(null);
        return jars;
    }

    private static List<Bundle> install(BundleContext context, List<Path> jars) throws BundleException {
        List<Bundle> bundles = new ArrayList<>();
        for (Path jar : jars) {
            bundles.add(context.installBundle(jar.toUri().toString()));
        }
        return bundles;
    }

    /** Starts each bundle that is not a fragment; returns how many failed (each is logged). */
    private static int start(List<Bundle> bundles) {
        int failed = 0;
        for (Bundle b : bundles) {
            if (b.getHeaders().get(Constants.FRAGMENT_HOST) != null || b.getState() == Bundle.ACTIVE) {
                continue;
            }
            try {
                b.start();
            } catch (BundleException | RuntimeException e) {
                failed++;
                log("cannot start " + b.getSymbolicName() + " " + b.getVersion() + ": " + e.getMessage());
            }
        }
        return failed;
    }

    /**
     * Gives each configuration to ConfigAdmin (location "?", so whichever bundle holds the
     * component may use it). The launcher is not a bundle and does not see the
     * org.osgi.service.cm types, so it calls them reflectively through ConfigAdmin's own class
     * loader.
     */
    private static void feedConfigAdmin(BundleContext context, Map<String, Dictionary<String, Object>> configs)
            throws Exception {
        if (configs.isEmpty()) {
            return;
        }
        ServiceReference<?> ref = context.getServiceReference(CONFIG_ADMIN);
        if (ref == null) {
            throw new IllegalStateException("ConfigurationAdmin service is not registered");
        }
        Object admin = context.getService(ref);
        try {
            Class<?> adminType = ref.getBundle().loadClass(CONFIG_ADMIN);
            Class<?> configType = ref.getBundle().loadClass("org.osgi.service.cm.Configuration");
            Method getConfiguration = adminType.getMethod("getConfiguration", String.class, String.class);
            Method update = configType.getMethod("update", Dictionary.class);
            for (Map.Entry<String, Dictionary<String, Object>> e : configs.entrySet()) {
                Object configuration = getConfiguration.invoke(admin, e.getKey(), "?");
                update.invoke(configuration, e.getValue());
                log("configuration " + e.getKey() + " " + java.util.Collections.list(e.getValue().keys()));
            }
        } finally {
            context.ungetService(ref);
        }
    }

    /**
     * slf4j-simple reads its settings from system properties (inside OSGi it cannot see a
     * classpath simplelogger.properties), so conf/simplelogger.properties becomes system
     * properties here; -D on the java command line wins.
     */
    private static void loadLoggingProperties(Path conf) throws IOException {
        Path file = conf.resolve(SIMPLE_LOGGER_FILE);
        if (!Files.isRegularFile(file)) {
            return;
        }
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(file)) {
            p.load(in);
        }
        for (String key : p.stringPropertyNames()) {
            if (System.getProperty(key) == null) {
                System.setProperty(key, p.getProperty(key).trim());
            }
        }
    }

    static void log(String message) {
        System.err.println("[launcher] " + message);
    }
}
