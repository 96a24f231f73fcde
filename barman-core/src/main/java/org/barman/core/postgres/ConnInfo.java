package org.barman.core.postgres;

import java.io.ByteArrayOutputStream;
import java.net.URLEncoder;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

import org.barman.api.BarmanException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A libpq connection string ({@code conninfo} in barman.conf), parsed exactly as libpq parses it, and its
 * translation into what the PostgreSQL JDBC driver (pgjdbc) needs: a URL and connection properties.
 *
 * <p>Both libpq forms are accepted:
 * <ul>
 *   <li>{@code key=value} pairs separated by whitespace, with optional whitespace around {@code =}; a value
 *       may be single-quoted, and a backslash escapes the next character, quoted or not
 *       ({@code password='it\'s'});</li>
 *   <li>URIs {@code postgresql://[user[:password]@][host][:port][,host[:port]...][/dbname][?key=value&...]}
 *       (or {@code postgres://}), percent-decoded, with IPv6 addresses in brackets ({@code [::1]:5432}) and
 *       {@code ssl=true} meaning {@code sslmode=require}.</li>
 * </ul>
 * An unknown keyword, a missing {@code =}, an unterminated quote or a bad percent-encoding is a
 * {@link BarmanException} naming the part at fault (never the password).
 *
 * <p><b>Translation</b> ({@link #toJdbc()}) follows libpq's rules for what the conninfo leaves out: the
 * {@code PG*} environment variables (PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE, PGSSLMODE...), then
 * port 5432, the OS user as user, the user as database. Several hosts ({@code host=a,b port=5432,5433})
 * become a multi-host JDBC URL. {@code application_name} is {@value #DEFAULT_APPLICATION_NAME} unless the
 * conninfo sets its own: like Barman, which always names its connections, {@code PGAPPNAME} and
 * {@code fallback_application_name} do not apply. TCP keepalives are on, as in libpq.
 *
 * <p><b>Unix-domain sockets.</b> A host that is an absolute path is the folder of the server's socket, as for
 * libpq: the connection goes to {@code <folder>/.s.PGSQL.<port>} through {@link UnixSocketFactory}. No host
 * at all (nor {@code PGHOST}, nor {@code hostaddr}) means the socket folder {@value #DEFAULT_SOCKET_DIRECTORY},
 * the one Debian's and Red Hat's libpq use. As in libpq, {@code sslmode} and {@code gssencmode} do not apply to a
 * socket, and {@code requirepeer} names the OS user the server process must run as. A socket must be the only
 * host of the conninfo; a socket in the abstract namespace ({@code host=@name}) is an error, since Java cannot
 * reach it.
 *
 * <p>What pgjdbc cannot do is an error naming the keyword and what to do instead:
 * {@code service} (pg_service.conf), {@code passfile}, {@code sslcrl}, {@code sslcrldir}, TLS and protocol
 * version bounds, OAuth and SCRAM key options, GSS delegation. The TCP tuning options
 * ({@code keepalives_idle}, {@code keepalives_interval}, {@code keepalives_count}, {@code tcp_user_timeout}),
 * {@code sslcompression} and {@code sslsni} are accepted and have no effect. {@code target_session_attrs} maps
 * onto pgjdbc's {@code targetServerType}: {@code read-write} and {@code primary} to {@code primary},
 * {@code read-only} and {@code standby} to {@code secondary}, {@code prefer-standby} to {@code preferSecondary}.
 *
 * <p><b>Passwords.</b> When neither the conninfo nor {@code PGPASSWORD} gives one, pgjdbc itself looks the
 * password up in the password file, as libpq does: the file named by the system property
 * {@code org.postgresql.pgpassfile}, else by {@code PGPASSFILE}, else {@code ~/.pgpass}, matching host, port,
 * database and user. With several hosts pgjdbc looks up the comma-separated host list as one name, so only
 * {@code *} host entries match. For a Unix-domain socket the host field is matched as libpq matches it:
 * {@code localhost} for the default socket folder, else the folder itself.
 */
public final class ConnInfo {

    /** The application name Barman's connections report in pg_stat_activity unless the conninfo sets one. */
    public static final String DEFAULT_APPLICATION_NAME = "barman";

    /** libpq's default port. */
    public static final int DEFAULT_PORT = 5432;

    /** The socket folder libpq uses when no host is given, as Debian and Red Hat build it. */
    public static final String DEFAULT_SOCKET_DIRECTORY = "/var/run/postgresql";

    /** The host name libpq's password-file lookup uses for the default socket folder. */
    private static final String PASSWORD_FILE_LOCAL_HOST = "localhost";

    private static final Logger LOG = LoggerFactory.getLogger(ConnInfo.class);

    /** libpq's connection keywords (PostgreSQL 18) and the environment variable each falls back to. */
    private static final Map<String, String> KEYWORDS = keywords();

    private static final Set<String> IGNORED = Set.of("keepalives_idle", "keepalives_interval",
            "keepalives_count", "tcp_user_timeout", "sslcompression", "sslsni");

    private static final Map<String, String> UNSUPPORTED = unsupported();

    private static final Set<String> SECRET = Set.of("password", "sslpassword", "oauth_client_secret",
            "scram_client_key", "scram_server_key");

    private static final String URI_PREFIX = "postgresql://";
    private static final String SHORT_URI_PREFIX = "postgres://";
    private static final Pattern HOST_NAME = Pattern.compile("[A-Za-z0-9._%:-]+");
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*(%[A-Za-z0-9_.-]+)?");

    private final Map<String, String> options;

    private ConnInfo(Map<String, String> options) {
        this.options = Collections.unmodifiableMap(new LinkedHashMap<>(options));
    }

    /**
     * Parses a connection string in either of libpq's forms.
     *
     * @param conninfo the {@code key=value} string or {@code postgresql://} URI
     * @return its keywords and values, as given (defaults are applied by {@link #toJdbc()})
     * @throws BarmanException naming the bad part when the string is malformed or has an unknown keyword
     */
    public static ConnInfo parse(String conninfo) {
        Objects.requireNonNull(conninfo, "conninfo is null");
        int nul = conninfo.indexOf('\0');
        if (nul >= 0) {
            throw error("conninfo contains a NUL character at position " + (nul + 1));
        }
        if (conninfo.startsWith(URI_PREFIX)) {
            return new ConnInfo(new UriParser(conninfo, URI_PREFIX.length()).parse());
        }
        if (conninfo.startsWith(SHORT_URI_PREFIX)) {
            return new ConnInfo(new UriParser(conninfo, SHORT_URI_PREFIX.length()).parse());
        }
        return new ConnInfo(parseKeyValue(conninfo));
    }

    /**
     * @param options keywords and values, such as {@code host -> pg1}
     * @return a conninfo holding them
     * @throws BarmanException for a keyword libpq does not know
     */
    public static ConnInfo of(Map<String, String> options) {
        Map<String, String> checked = new LinkedHashMap<>();
        options.forEach((keyword, value) -> store(checked, keyword, Objects.requireNonNull(value, keyword), "keyword"));
        return new ConnInfo(checked);
    }

    /**
     * Quotes a value for a {@code key=value} connection string, so that {@link #parse} gives it back unchanged.
     *
     * @param value any text without NUL characters
     * @return the value itself when it needs no quoting, else the value in single quotes with {@code '} and
     *         {@code \} escaped by a backslash
     */
    public static String quote(String value) {
        boolean plain = !value.isEmpty();
        for (int i = 0; i < value.length() && plain; i++) {
            char c = value.charAt(i);
            plain = !isSpace(c) && c != '\'' && c != '\\';
        }
        if (plain) {
            return value;
        }
        return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }

    /**
     * @param keyword a libpq keyword
     * @return the value given for it, if any
     */
    public Optional<String> get(String keyword) {
        return Optional.ofNullable(options.get(keyword));
    }

    /** @return every keyword given and its value, in the order first given (a repeated keyword keeps its last value) */
    public Map<String, String> options() {
        return options;
    }

    /**
     * @param keyword a libpq keyword
     * @param value its value
     * @return a copy with the keyword set to the value
     * @throws BarmanException for a keyword libpq does not know
     */
    public ConnInfo with(String keyword, String value) {
        Map<String, String> copy = new LinkedHashMap<>(options);
        store(copy, keyword, Objects.requireNonNull(value, "value is null"), "keyword");
        return new ConnInfo(copy);
    }

    /**
     * @param keyword a libpq keyword
     * @param value its value
     * @return a copy with the keyword set to the value unless the conninfo already gives it
     */
    public ConnInfo withDefault(String keyword, String value) {
        return options.containsKey(keyword) ? this : with(keyword, value);
    }

    /** @return the {@code key=value} form, every value quoted as needed: {@code parse(format())} equals this */
    public String format() {
        return format(false);
    }

    /**
     * Translates for the PostgreSQL JDBC driver, with the process's environment variables and OS user as
     * libpq's defaults.
     *
     * @return the JDBC URL and connection properties
     * @throws BarmanException naming the keyword when a value is invalid or cannot work with pgjdbc
     */
    public JdbcTarget toJdbc() {
        return toJdbc(System.getenv(), System.getProperty("user.name"));
    }

    /**
     * Translates for the PostgreSQL JDBC driver, with the given environment variables as libpq's defaults.
     *
     * @param environment environment variables, such as {@code PGPORT -> 5433}
     * @return the JDBC URL and connection properties
     * @throws BarmanException naming the keyword when a value is invalid or cannot work with pgjdbc
     */
    public JdbcTarget toJdbc(Map<String, String> environment) {
        return toJdbc(environment, System.getProperty("user.name"));
    }

    JdbcTarget toJdbc(Map<String, String> environment, String osUser) {
        Map<String, String> effective = new LinkedHashMap<>(options);
        Set<String> fromEnvironment = new HashSet<>();
        KEYWORDS.forEach((keyword, variable) -> {
            if (variable != null && !effective.containsKey(keyword) && environment.get(variable) != null) {
                effective.put(keyword, environment.get(variable));
                fromEnvironment.add(keyword);
            }
        });
        if (!effective.containsKey("sslmode") && startsWith(environment.get("PGREQUIRESSL"), "1")) {
            effective.put("sslmode", "require");
        }
        return new Translation(effective, fromEnvironment, osUser).run();
    }

    /** @return the {@code key=value} form with passwords replaced by {@code ********} */
    @Override
    public String toString() {
        return format(true);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ConnInfo that && options.equals(that.options);
    }

    @Override
    public int hashCode() {
        return options.hashCode();
    }

    private String format(boolean maskSecrets) {
        List<String> pairs = new ArrayList<>();
        options.forEach((keyword, value) -> pairs.add(keyword + "="
                + (maskSecrets && SECRET.contains(keyword) ? "********" : quote(value))));
        return String.join(" ", pairs);
    }

    /**
     * What pgjdbc needs to open a connection: a URL ({@code jdbc:postgresql://host:port[,...]/dbname}) and
     * connection properties (user, password, ApplicationName, sslmode...).
     *
     * @param url the JDBC URL, holding only hosts, ports and the database
     * @param properties pgjdbc connection properties
     */
    public record JdbcTarget(String url, Map<String, String> properties) {

        /**
         * Keeps an unmodifiable copy, in order.
         *
         * @param url the JDBC URL, holding only hosts, ports and the database
         * @param properties pgjdbc connection properties
         */
        public JdbcTarget {
            Objects.requireNonNull(url, "url is null");
            properties = Collections.unmodifiableMap(new LinkedHashMap<>(properties));
        }

        /** @return a new {@link Properties} holding {@link #properties()}, for {@link DriverManager} */
        public Properties toProperties() {
            Properties result = new Properties();
            result.putAll(properties);
            return result;
        }

        /**
         * @return the server's socket file when the connection goes through a Unix-domain socket, else empty
         */
        public Optional<Path> unixSocket() {
            if (!UnixSocketFactory.class.getName().equals(properties.get("socketFactory"))) {
                return Optional.empty();
            }
            return Optional.of(Path.of(properties.get("socketFactoryArg")));
        }

        /**
         * Opens a connection: the one way Barman connects to PostgreSQL, for {@code conninfo} and
         * {@code streaming_conninfo} alike.
         *
         * @return a new connection through the PostgreSQL JDBC driver; the caller closes it
         * @throws SQLException when PostgreSQL cannot be reached or refuses the connection; when a Unix-domain
         *         socket cannot be reached, its one-line message names the socket file
         */
        public Connection connect() throws SQLException {
            try {
                return DriverManager.getConnection(url, toProperties());
            } catch (SQLException e) {
                for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
                    if (cause instanceof UnixSocketFactory.ConnectFailure failure) {
                        throw new SQLException(failure.getMessage(), "08001", e);
                    }
                }
                throw e;
            }
        }

        /** @return the URL and properties, with passwords replaced by {@code ********} */
        @Override
        public String toString() {
            Map<String, String> shown = new LinkedHashMap<>(properties);
            shown.replaceAll((key, value) -> key.toLowerCase(Locale.ROOT).contains("password") ? "********" : value);
            return url + " " + shown;
        }
    }

    // ---------------------------------------------------------------- key=value form

    private static Map<String, String> parseKeyValue(String text) {
        Map<String, String> result = new LinkedHashMap<>();
        int n = text.length();
        int i = 0;
        while (i < n) {
            if (isSpace(text.charAt(i))) {
                i++;
                continue;
            }
            int keywordStart = i;
            while (i < n && text.charAt(i) != '=' && !isSpace(text.charAt(i))) {
                i++;
            }
            String keyword = text.substring(keywordStart, i);
            while (i < n && isSpace(text.charAt(i))) {
                i++;
            }
            if (i >= n || text.charAt(i) != '=') {
                throw error("conninfo: missing \"=\" after \"" + keyword + "\" at position " + (keywordStart + 1));
            }
            i++;
            while (i < n && isSpace(text.charAt(i))) {
                i++;
            }
            StringBuilder value = new StringBuilder();
            if (i < n && text.charAt(i) == '\'') {
                int quoteStart = i;
                i++;
                while (true) {
                    if (i >= n) {
                        throw error("conninfo: unterminated quoted value of \"" + keyword
                                + "\" starting at position " + (quoteStart + 1));
                    }
                    char c = text.charAt(i);
                    if (c == '\\') {
                        i++;
                        if (i < n) {
                            value.append(text.charAt(i++));
                        }
                    } else if (c == '\'') {
                        i++;
                        break;
                    } else {
                        value.append(c);
                        i++;
                    }
                }
            } else {
                while (i < n && !isSpace(text.charAt(i))) {
                    char c = text.charAt(i);
                    if (c == '\\') {
                        i++;
                        if (i < n) {
                            value.append(text.charAt(i++));
                        }
                    } else {
                        value.append(c);
                        i++;
                    }
                }
            }
            store(result, keyword, value.toString(), "keyword");
        }
        return result;
    }

    /** Stores as libpq's conninfo_storeval does, including its {@code requiressl} compatibility rule. */
    private static void store(Map<String, String> options, String keyword, String value, String what) {
        if (keyword.equals("requiressl")) {
            options.put("sslmode", value.startsWith("1") ? "require" : "prefer");
            return;
        }
        if (!KEYWORDS.containsKey(keyword)) {
            throw error("conninfo: unknown " + what + " \"" + keyword + "\" (not a libpq connection option)");
        }
        options.put(keyword, value);
    }

    /** C's isspace() in the "C" locale, which libpq uses to split a conninfo. */
    private static boolean isSpace(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\u000B';
    }

    // ---------------------------------------------------------------- URI form

    /** libpq's conninfo_uri_parse_options, step by step. */
    private static final class UriParser {

        private final String uri;
        private final int n;
        private final Map<String, String> result = new LinkedHashMap<>();
        private int p;

        UriParser(String uri, int prefixLength) {
            this.uri = uri;
            this.n = uri.length();
            this.p = prefixLength;
        }

        Map<String, String> parse() {
            credentials();
            char last = hosts();
            if (last != '\0' && last != '?') {
                p++;
                int start = p;
                while (p < n && uri.charAt(p) != '?') {
                    p++;
                }
                String dbname = uri.substring(start, p);
                last = at(p);
                if (!dbname.isEmpty()) {
                    store(result, "dbname", decode(dbname, "database name"), "keyword");
                }
            }
            if (last != '\0') {
                p++;
                parameters();
            }
            return result;
        }

        private void credentials() {
            int q = p;
            while (q < n && uri.charAt(q) != '@' && uri.charAt(q) != '/') {
                q++;
            }
            if (at(q) != '@') {
                return;
            }
            int end = p;
            while (uri.charAt(end) != ':' && uri.charAt(end) != '@') {
                end++;
            }
            String user = uri.substring(p, end);
            if (!user.isEmpty()) {
                store(result, "user", decode(user, "user name"), "keyword");
            }
            if (uri.charAt(end) == ':') {
                int passwordStart = end + 1;
                end = passwordStart;
                while (uri.charAt(end) != '@') {
                    end++;
                }
                String password = uri.substring(passwordStart, end);
                if (!password.isEmpty()) {
                    store(result, "password", decode(password, "password"), "keyword");
                }
            }
            p = end + 1;
        }

        /** @return the character that ended the host list: '/', '?' or '\0' at the end */
        private char hosts() {
            StringBuilder hosts = new StringBuilder();
            StringBuilder ports = new StringBuilder();
            char last;
            while (true) {
                String host;
                if (at(p) == '[') {
                    int start = ++p;
                    while (p < n && uri.charAt(p) != ']') {
                        p++;
                    }
                    if (p >= n) {
                        throw error("conninfo URI: missing \"]\" after the IPv6 address starting at position " + (start + 1));
                    }
                    if (p == start) {
                        throw error("conninfo URI: empty IPv6 address at position " + (start + 1));
                    }
                    host = uri.substring(start, p);
                    p++;
                    char next = at(p);
                    if (next != '\0' && next != ':' && next != '/' && next != '?' && next != ',') {
                        throw error("conninfo URI: unexpected character \"" + next + "\" at position " + (p + 1)
                                + " (expected \":\" or \"/\" after an IPv6 address)");
                    }
                } else {
                    int start = p;
                    while (p < n && ":/?,".indexOf(uri.charAt(p)) < 0) {
                        p++;
                    }
                    host = uri.substring(start, p);
                }
                last = at(p);
                hosts.append(host);
                if (last == ':') {
                    int start = ++p;
                    while (p < n && "/?,".indexOf(uri.charAt(p)) < 0) {
                        p++;
                    }
                    last = at(p);
                    ports.append(uri, start, p);
                }
                if (last != ',') {
                    break;
                }
                p++;
                hosts.append(',');
                ports.append(',');
            }
            if (hosts.length() > 0) {
                store(result, "host", decode(hosts.toString(), "host"), "keyword");
            }
            if (ports.length() > 0) {
                store(result, "port", decode(ports.toString(), "port"), "keyword");
            }
            return last;
        }

        private void parameters() {
            while (p < n) {
                int start = p;
                int equals = -1;
                while (true) {
                    char c = at(p);
                    if (c == '=') {
                        if (equals >= 0) {
                            throw error("conninfo URI: query parameter \"" + uri.substring(start, equals)
                                    + "\" has more than one \"=\"");
                        }
                        equals = p;
                        p++;
                    } else if (c == '&' || c == '\0') {
                        if (equals < 0) {
                            throw error("conninfo URI: query parameter \"" + uri.substring(start, p)
                                    + "\" has no \"=\" (expected key=value)");
                        }
                        break;
                    } else {
                        p++;
                    }
                }
                String keyword = decode(uri.substring(start, equals), "query parameter name");
                String value = decode(uri.substring(equals + 1, p), "value of query parameter \"" + keyword + "\"");
                if (p < n) {
                    p++;
                }
                if (keyword.equals("ssl") && value.equals("true")) {
                    keyword = "sslmode";
                    value = "require";
                }
                store(result, keyword, value, "query parameter");
            }
        }

        private char at(int index) {
            return index < n ? uri.charAt(index) : '\0';
        }
    }

    /** libpq's conninfo_uri_decode: %XX are bytes, read as UTF-8; anything else is kept as it is. */
    private static String decode(String text, String what) {
        if (text.indexOf('%') < 0) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length());
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (int i = 0; i < text.length(); ) {
            char c = text.charAt(i);
            if (c != '%') {
                flush(bytes, out, what);
                out.append(c);
                i++;
                continue;
            }
            int hi = i + 1 < text.length() ? Character.digit(text.charAt(i + 1), 16) : -1;
            int lo = i + 2 < text.length() ? Character.digit(text.charAt(i + 2), 16) : -1;
            if (hi < 0 || lo < 0 || !isAsciiHex(text.charAt(i + 1)) || !isAsciiHex(text.charAt(i + 2))) {
                String at = what.equals("password") ? "" : " at \"" + text.substring(i, Math.min(i + 3, text.length())) + "\"";
                throw error("conninfo URI: invalid percent-encoding" + at + " in the " + what
                        + " (expected % and two hexadecimal digits)");
            }
            int b = hi << 4 | lo;
            if (b == 0) {
                throw error("conninfo URI: %00 is not allowed in the " + what);
            }
            bytes.write(b);
            i += 3;
        }
        flush(bytes, out, what);
        return out.toString();
    }

    private static boolean isAsciiHex(char c) {
        return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F';
    }

    private static void flush(ByteArrayOutputStream bytes, StringBuilder out, String what) {
        if (bytes.size() == 0) {
            return;
        }
        try {
            out.append(StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes.toByteArray())));
        } catch (CharacterCodingException e) {
            throw error("conninfo URI: the percent-encoded bytes in the " + what + " are not valid UTF-8");
        }
        bytes.reset();
    }

    // ---------------------------------------------------------------- translation

    /**
     * One server address of a conninfo.
     *
     * @param host a TCP host name or IP address, or a Unix-domain socket folder
     * @param port the port, which names the socket file in a socket folder
     * @param socket whether {@code host} is a socket folder
     */
    private record Endpoint(String host, int port, boolean socket) {
    }

    /** One translation of effective options (given, then environment) into a {@link JdbcTarget}. */
    private static final class Translation {

        private final Map<String, String> effective;
        private final Set<String> fromEnvironment;
        private final String osUser;
        private final Map<String, String> properties = new LinkedHashMap<>();

        Translation(Map<String, String> effective, Set<String> fromEnvironment, String osUser) {
            this.effective = effective;
            this.fromEnvironment = fromEnvironment;
            this.osUser = osUser;
        }

        JdbcTarget run() {
            for (String keyword : List.copyOf(effective.keySet())) {
                checkSupported(keyword);
            }
            List<Endpoint> endpoints = endpoints();
            String user = nonEmpty("user");
            if (user == null) {
                user = osUser;
            }
            String dbname = nonEmpty("dbname");
            if (dbname == null) {
                dbname = user;
            }
            properties.put("user", user);
            String password = nonEmpty("password");
            if (password != null) {
                properties.put("password", password);
            }
            String applicationName = options("application_name");
            properties.put("ApplicationName",
                    applicationName == null || applicationName.isEmpty() ? DEFAULT_APPLICATION_NAME : applicationName);
            String value;
            if ((value = nonEmpty("options")) != null) {
                properties.put("options", value);
            }
            if ((value = nonEmpty("connect_timeout")) != null) {
                int seconds = integer("connect_timeout", value);
                String timeout = Integer.toString(seconds <= 0 ? 0 : Math.max(seconds, 2));
                properties.put("connectTimeout", timeout);
                properties.put("loginTimeout", timeout);
            }
            value = nonEmpty("keepalives");
            properties.put("tcpKeepAlive", Boolean.toString(value == null || integer("keepalives", value) != 0));
            if ((value = nonEmpty("client_encoding")) != null) {
                String encoding = value.toUpperCase(Locale.ROOT);
                if (!Set.of("UTF8", "UTF-8", "UNICODE", "AUTO").contains(encoding)) {
                    throw error("conninfo: client_encoding \"" + value + "\" is not supported: the PostgreSQL JDBC "
                            + "driver always talks UTF8 to the server; remove client_encoding");
                }
            }
            choice("sslmode", "sslmode", Set.of("disable", "allow", "prefer", "require", "verify-ca", "verify-full"));
            copy("sslcert", "sslcert");
            copy("sslkey", "sslkey");
            copy("sslrootcert", "sslrootcert");
            copy("sslpassword", "sslpassword");
            choice("sslnegotiation", "sslNegotiation", Set.of("postgres", "direct"));
            choice("channel_binding", "channelBinding", Set.of("disable", "prefer", "require"));
            copy("require_auth", "requireAuth");
            choice("gssencmode", "gssEncMode", Set.of("disable", "prefer", "require"));
            copy("krbsrvname", "kerberosServerName");
            choice("gsslib", "gsslib", Set.of("gssapi", "sspi"));
            targetSessionAttrs();
            if ((value = nonEmpty("load_balance_hosts")) != null) {
                checkChoice("load_balance_hosts", value, Set.of("disable", "random"));
                properties.put("loadBalanceHosts", Boolean.toString(value.equals("random")));
            }
            replication();
            String database = URLEncoder.encode(dbname, StandardCharsets.UTF_8);
            if (endpoints.get(0).socket()) {
                unixSocket(endpoints.get(0));
                return new JdbcTarget("jdbc:postgresql:" + database, properties);
            }
            if (nonEmpty("requirepeer") != null) {
                LOG.debug("conninfo keyword requirepeer has no effect on a TCP connection");
            }
            List<String> specs = new ArrayList<>();
            for (Endpoint endpoint : endpoints) {
                String host = endpoint.host();
                specs.add((host.contains(":") ? "[" + host + "]" : host) + ":" + endpoint.port());
            }
            return new JdbcTarget("jdbc:postgresql://" + String.join(",", specs) + "/" + database, properties);
        }

        /**
         * Connects through {@link UnixSocketFactory}. The driver takes host and port from the properties
         * (the URL has neither), and looks the password file up with that host, as libpq does for a socket.
         */
        private void unixSocket(Endpoint socket) {
            Path file = Path.of(socket.host()).resolve(".s.PGSQL." + socket.port());
            properties.put("PGHOST", socket.host().equals(DEFAULT_SOCKET_DIRECTORY) ? PASSWORD_FILE_LOCAL_HOST
                    : socket.host());
            properties.put("PGPORT", Integer.toString(socket.port()));
            properties.put("socketFactory", UnixSocketFactory.class.getName());
            properties.put("socketFactoryArg", file.toString());
            properties.put("sslmode", "disable");
            properties.put("gssEncMode", "disable");
            String requirePeer = nonEmpty("requirepeer");
            if (requirePeer != null) {
                properties.put(UnixSocketFactory.REQUIRE_PEER, requirePeer);
            }
        }

        private void checkSupported(String keyword) {
            String unsupported = UNSUPPORTED.get(keyword);
            String value = effective.get(keyword);
            boolean harmless = switch (keyword) {
                case "gssdelegation" -> value.isEmpty() || value.equals("0");
                case "sslcertmode" -> value.isEmpty() || value.equals("allow");
                default -> value.isEmpty();
            };
            if (unsupported != null && !harmless) {
                if (fromEnvironment.contains(keyword)) {
                    LOG.warn("Ignoring the environment variable {} ({}): {}", KEYWORDS.get(keyword), keyword, unsupported);
                    effective.remove(keyword);
                    return;
                }
                throw error("conninfo: " + keyword + " is not supported by the PostgreSQL JDBC driver Barman uses: "
                        + unsupported);
            }
            if (IGNORED.contains(keyword)) {
                if (Set.of("keepalives_idle", "keepalives_interval", "keepalives_count", "tcp_user_timeout")
                        .contains(keyword) && !value.isEmpty()) {
                    integer(keyword, value);
                }
                LOG.debug("conninfo keyword {} has no effect with the PostgreSQL JDBC driver", keyword);
            }
        }

        /**
         * libpq's connectOptions2: pairs hosts, host addresses and ports; a host that is empty or a path is a
         * Unix-domain socket folder.
         */
        private List<Endpoint> endpoints() {
            String hostValue = nonEmpty("host");
            String addressValue = nonEmpty("hostaddr");
            List<String> hosts = hostValue == null ? List.of() : split(hostValue);
            List<String> addresses = addressValue == null ? List.of() : split(addressValue);
            if (!hosts.isEmpty() && !addresses.isEmpty() && hosts.size() != addresses.size()) {
                throw error("conninfo: " + hosts.size() + " host names but " + addresses.size()
                        + " hostaddr values; give one hostaddr per host");
            }
            int count = Math.max(1, Math.max(hosts.size(), addresses.size()));
            String portValue = options("port");
            List<String> ports = portValue == null ? List.of("") : split(portValue);
            if (ports.size() != 1 && ports.size() != count) {
                throw error("conninfo: " + ports.size() + " port numbers for " + count
                        + " hosts; give one port for all hosts or one per host");
            }
            List<Endpoint> endpoints = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                String host = hosts.isEmpty() ? "" : hosts.get(i);
                String address = addresses.isEmpty() ? "" : addresses.get(i);
                String port = ports.size() == 1 ? ports.get(0) : ports.get(i);
                int number = port.isEmpty() ? DEFAULT_PORT : integer("port", port);
                if (number < 1 || number > 65535) {
                    throw error("conninfo: invalid port number \"" + port + "\" (expected 1 to 65535)");
                }
                if (!address.isEmpty()) {
                    if (!IPV4.matcher(address).matches() && !IPV6.matcher(address).matches()) {
                        throw error("conninfo: hostaddr \"" + address + "\" is not a numeric IP address "
                                + "(use host= for host names)");
                    }
                    endpoints.add(new Endpoint(address, number, false));
                } else if (host.isEmpty() || host.startsWith("/")) {
                    if (count > 1) {
                        throw error("conninfo: host number " + (i + 1) + " of " + count + " is "
                                + (host.isEmpty() ? "empty, which means the Unix-domain socket folder "
                                + DEFAULT_SOCKET_DIRECTORY : "the Unix-domain socket folder \"" + host + "\"")
                                + ", and Barman connects through a socket only when it is the one host; give that "
                                + "folder alone, or only TCP hosts");
                    }
                    endpoints.add(new Endpoint(host.isEmpty() ? DEFAULT_SOCKET_DIRECTORY : host, number, true));
                } else if (host.startsWith("@")) {
                    throw error("conninfo: host \"" + host + "\" is a Unix-domain socket in the abstract namespace, "
                            + "which Java cannot connect to; give the socket's folder (unix_socket_directories) "
                            + "or a TCP host");
                } else if (!HOST_NAME.matcher(host).matches()) {
                    throw error("conninfo: host \"" + host + "\" is not a host name, an IP address or a "
                            + "Unix-domain socket folder");
                } else {
                    endpoints.add(new Endpoint(host, number, false));
                }
            }
            return endpoints;
        }

        private void targetSessionAttrs() {
            String value = nonEmpty("target_session_attrs");
            if (value == null) {
                return;
            }
            String serverType = switch (value) {
                case "any" -> "any";
                case "read-write", "primary" -> "primary";
                case "read-only", "standby" -> "secondary";
                case "prefer-standby" -> "preferSecondary";
                default -> throw error("conninfo: invalid target_session_attrs \"" + value + "\" (expected any, "
                        + "read-write, read-only, primary, standby or prefer-standby)");
            };
            properties.put("targetServerType", serverType);
        }

        private void replication() {
            String value = nonEmpty("replication");
            if (value == null) {
                return;
            }
            String mode;
            if (value.equals("database")) {
                mode = "database";
            } else if (Set.of("true", "on", "yes", "1").contains(value.toLowerCase(Locale.ROOT))) {
                mode = "true";
            } else if (Set.of("false", "off", "no", "0").contains(value.toLowerCase(Locale.ROOT))) {
                return;
            } else {
                throw error("conninfo: invalid replication \"" + value + "\" (expected true, false or database)");
            }
            properties.put("replication", mode);
            // pgjdbc's replication connections need the simple query protocol
            properties.put("assumeMinServerVersion", "9.4");
            properties.put("preferQueryMode", "simple");
        }

        private void choice(String keyword, String property, Set<String> allowed) {
            String value = nonEmpty(keyword);
            if (value != null) {
                checkChoice(keyword, value, allowed);
                properties.put(property, value);
            }
        }

        private void copy(String keyword, String property) {
            String value = nonEmpty(keyword);
            if (value != null) {
                properties.put(property, value);
            }
        }

        private String options(String keyword) {
            return effective.get(keyword);
        }

        private String nonEmpty(String keyword) {
            String value = effective.get(keyword);
            return value == null || value.isEmpty() ? null : value;
        }

        private static void checkChoice(String keyword, String value, Set<String> allowed) {
            if (!allowed.contains(value)) {
                throw error("conninfo: invalid " + keyword + " \"" + value + "\" (expected one of "
                        + String.join(", ", new TreeSet<>(allowed)) + ")");
            }
        }

        /** libpq's parse_int_param: an integer, optionally surrounded by whitespace. */
        private static int integer(String keyword, String value) {
            try {
                return Integer.parseInt(value.strip());
            } catch (NumberFormatException e) {
                throw error("conninfo: invalid integer \"" + value + "\" for " + keyword);
            }
        }

        private static List<String> split(String list) {
            return List.of(list.split(",", -1));
        }
    }

    private static boolean startsWith(String value, String prefix) {
        return value != null && value.startsWith(prefix);
    }

    private static BarmanException error(String message) {
        return new BarmanException(message);
    }

    private static Map<String, String> keywords() {
        Map<String, String> keywords = new LinkedHashMap<>();
        keywords.put("service", "PGSERVICE");
        keywords.put("user", "PGUSER");
        keywords.put("password", "PGPASSWORD");
        keywords.put("passfile", "PGPASSFILE");
        keywords.put("require_auth", "PGREQUIREAUTH");
        keywords.put("channel_binding", "PGCHANNELBINDING");
        keywords.put("connect_timeout", "PGCONNECT_TIMEOUT");
        keywords.put("dbname", "PGDATABASE");
        keywords.put("host", "PGHOST");
        keywords.put("hostaddr", "PGHOSTADDR");
        keywords.put("port", "PGPORT");
        keywords.put("client_encoding", "PGCLIENTENCODING");
        keywords.put("options", "PGOPTIONS");
        keywords.put("application_name", null); // Barman always names its connections: PGAPPNAME does not apply
        keywords.put("fallback_application_name", null);
        keywords.put("keepalives", null);
        keywords.put("keepalives_idle", null);
        keywords.put("keepalives_interval", null);
        keywords.put("keepalives_count", null);
        keywords.put("tcp_user_timeout", null);
        keywords.put("sslmode", "PGSSLMODE");
        keywords.put("sslnegotiation", "PGSSLNEGOTIATION");
        keywords.put("sslcompression", "PGSSLCOMPRESSION");
        keywords.put("sslcert", "PGSSLCERT");
        keywords.put("sslkey", "PGSSLKEY");
        keywords.put("sslkeylogfile", null);
        keywords.put("sslcertmode", "PGSSLCERTMODE");
        keywords.put("sslpassword", null);
        keywords.put("sslrootcert", "PGSSLROOTCERT");
        keywords.put("sslcrl", "PGSSLCRL");
        keywords.put("sslcrldir", "PGSSLCRLDIR");
        keywords.put("sslsni", "PGSSLSNI");
        keywords.put("requirepeer", "PGREQUIREPEER");
        keywords.put("ssl_min_protocol_version", "PGSSLMINPROTOCOLVERSION");
        keywords.put("ssl_max_protocol_version", "PGSSLMAXPROTOCOLVERSION");
        keywords.put("min_protocol_version", "PGMINPROTOCOLVERSION");
        keywords.put("max_protocol_version", "PGMAXPROTOCOLVERSION");
        keywords.put("gssencmode", "PGGSSENCMODE");
        keywords.put("krbsrvname", "PGKRBSRVNAME");
        keywords.put("gsslib", "PGGSSLIB");
        keywords.put("gssdelegation", "PGGSSDELEGATION");
        keywords.put("scram_client_key", null);
        keywords.put("scram_server_key", null);
        keywords.put("replication", null);
        keywords.put("target_session_attrs", "PGTARGETSESSIONATTRS");
        keywords.put("load_balance_hosts", "PGLOADBALANCEHOSTS");
        keywords.put("oauth_issuer", null);
        keywords.put("oauth_client_id", null);
        keywords.put("oauth_client_secret", null);
        keywords.put("oauth_scope", null);
        return Collections.unmodifiableMap(keywords);
    }

    private static Map<String, String> unsupported() {
        String tls = "the JVM's TLS settings apply (jdk.tls.client.protocols); remove it from conninfo";
        String oauth = "OAuth authentication is not available; use password or certificate authentication";
        Map<String, String> unsupported = new LinkedHashMap<>();
        unsupported.put("service", "pg_service.conf is not read; put host, port, dbname and user in conninfo");
        unsupported.put("passfile", "set the PGPASSFILE environment variable (or the Java system property "
                + "org.postgresql.pgpassfile) instead; ~/.pgpass is read by default");
        unsupported.put("sslcrl", "certificate revocation lists cannot be checked; remove it from conninfo");
        unsupported.put("sslcrldir", "certificate revocation lists cannot be checked; remove it from conninfo");
        unsupported.put("sslcertmode", "only the default, allow, is available");
        unsupported.put("sslkeylogfile", "TLS key logging is not available; remove it from conninfo");
        unsupported.put("ssl_min_protocol_version", tls);
        unsupported.put("ssl_max_protocol_version", tls);
        unsupported.put("min_protocol_version", "the driver speaks protocol 3.0; remove it from conninfo");
        unsupported.put("max_protocol_version", "the driver speaks protocol 3.0; remove it from conninfo");
        unsupported.put("gssdelegation", "GSS credential delegation is not available; remove it or set it to 0");
        unsupported.put("scram_client_key", "SCRAM pass-through keys are not available; use a password");
        unsupported.put("scram_server_key", "SCRAM pass-through keys are not available; use a password");
        unsupported.put("oauth_issuer", oauth);
        unsupported.put("oauth_client_id", oauth);
        unsupported.put("oauth_client_secret", oauth);
        unsupported.put("oauth_scope", oauth);
        return Collections.unmodifiableMap(unsupported);
    }
}
