import Foundation
import Testing
@testable import FaceStore

/// Every accepted connection-string form: how it is recognised, parsed and masked. No server needed.
@Suite("Connection strings")
struct ConnectionStringTests {
    // MARK: Recognition

    @Test("each form opens the right backend; keyword strings are never taken for file paths", arguments: [
        ("postgres://frs:pw@db/frs", StoreBackend.postgres),
        ("postgresql://db/frs?user=frs", .postgres),
        ("host=db.internal port=5432 dbname=frs user=frs password=PW", .postgres),
        ("  dbname=frs user=frs", .postgres),
        ("mssql://sa:pw@sql.internal:1433/frs", .sqlServer),
        ("sqlserver://sa:pw@sql.internal/frs", .sqlServer),
        ("DRIVER={SQL Server};SERVER=sql.internal;DATABASE=FRS;UID=sa;PWD=pw", .sqlServer),
        ("Server=tcp:sql.internal,1433;Database=FRS;User Id=sa;Password=pw;", .sqlServer),
        ("/var/lib/frs/frs.sqlite", .sqlite),
        ("sqlite:///var/lib/frs/frs.sqlite", .sqlite),
        ("relative/a;b.sqlite", .sqlite),
        ("photos=2024.sqlite", .sqlite),
    ])
    func recognition(_ location: String, _ backend: StoreBackend) throws {
        #expect(try DatabaseLocation(location).backend == backend)
    }

    @Test("sqlite:// is stripped; an unknown scheme is refused with the password masked")
    func schemes() throws {
        #expect(try DatabaseLocation("sqlite:///tmp/x.sqlite").sqlitePath == "/tmp/x.sqlite")
        #expect(try DatabaseLocation("host=db user=u").sqlitePath == nil)
        do {
            _ = try DatabaseLocation("mysql://frs:hunter2@db/x")
            Issue.record("an unknown scheme must be refused")
        } catch let error as FaceStoreError {
            #expect(error.reason == .invalidURL)
            #expect(error.description.contains("mysql://frs:***@db/x"), "\(error)")
            #expect(!error.description.contains("hunter2"))
        }
    }

    // MARK: Masking (issue 9, defect 8)

    @Test("maskedURL hides the password in every accepted form", arguments: [
        // URL user info, also when the password holds characters that break URL parsing.
        ("postgres://frs:s3cret@db.example:5432/frs", "postgres://frs:***@db.example:5432/frs"),
        ("postgres://frs:p@ss/w:rd@db:5432/frs?sslmode=require", "postgres://frs:***@db:5432/frs?sslmode=require"),
        ("postgres://frs:pa#ss@db/frs", "postgres://frs:***@db/frs"),
        ("postgres://frs:pa?ss@db/frs?sslmode=disable", "postgres://frs:***@db/frs?sslmode=disable"),
        ("postgres://frs:a#b?c@d@db/frs", "postgres://frs:***@db/frs"),
        // Password in the query.
        ("postgres://u@host/db?password=PW", "postgres://u@host/db?password=***"),
        ("postgres://u@host/db?sslmode=require&password=PW&application_name=x", "postgres://u@host/db?sslmode=require&password=***&application_name=x"),
        ("postgres://u@host/db?Password=PW", "postgres://u@host/db?Password=***"),
        // libpq keyword strings, quoted or not.
        ("host=db user=frs password=PW dbname=frs", "host=db user=frs password=*** dbname=frs"),
        ("host=db password = 'p w\\'x' dbname=frs", "host=db password = *** dbname=frs"),
        ("host=db password='unterminated", "host=db password=***"),
        // SQL Server.
        ("mssql://sa:Secr3t!@sql:1433/frs", "mssql://sa:***@sql:1433/frs"),
        ("mssql://sa@sql/frs?password=PW", "mssql://sa@sql/frs?password=***"),
        ("DRIVER={SQL Server};SERVER=sql;DATABASE=FRS;UID=sa;PWD=pw", "DRIVER={SQL Server};SERVER=sql;DATABASE=FRS;UID=sa;PWD=***"),
        ("DRIVER={SQL Server};SERVER=sql;UID=sa;PWD={a;b}}c};DATABASE=FRS", "DRIVER={SQL Server};SERVER=sql;UID=sa;PWD=***;DATABASE=FRS"),
        ("Server=sql;Database=FRS;User Id=sa;Password=pw;", "Server=sql;Database=FRS;User Id=sa;Password=***;"),
        ("SERVER=sql;UID=sa;pwd={unterminated;DATABASE=x", "SERVER=sql;UID=sa;pwd=***"),
        // Nothing to hide.
        ("postgres://frs@127.0.0.1:5432/frs_test", "postgres://frs@127.0.0.1:5432/frs_test"),
        ("postgresql://db/frs?user=x@y", "postgresql://db/frs?user=x@y"),
        ("/var/lib/frs/frs.sqlite", "/var/lib/frs/frs.sqlite"),
        ("not a url", "not a url"),
    ])
    func masking(_ input: String, _ expected: String) {
        #expect(maskedURL(input) == expected)
    }

    @Test("a PostgreSQL URL that does not parse is refused without its password")
    func unparsableURL() {
        // "#" starts the fragment: the authority becomes "frs:pa", whose "port" is not a number.
        for url in ["postgres://frs:pa#ss@db/frs", "postgres://frs:pa#ss@db:5432/frs?sslmode=require"] {
            do {
                _ = try PostgresURL(url)
                Issue.record("\(url) must not parse")
            } catch let error as FaceStoreError {
                #expect(error.reason == .invalidURL)
                #expect(!error.description.contains("pa#ss") && !error.description.contains("#ss"), "\(error)")
                #expect(error.description.contains("frs:***@db"), "\(error)")
            } catch {
                Issue.record("unexpected \(error)")
            }
        }
    }

    @Test("the stores' display URL, used in the 'waiting for a connection' log line, is masked")
    func displayURLs() async throws {
        // Both connect lazily: nothing is contacted here.
        let postgres = try PostgresStore(url: "postgres://u@127.0.0.1:1/db?password=Hunter2&sslmode=disable")
        #expect(postgres.displayURL == "postgres://u@127.0.0.1:1/db?password=***&sslmode=disable")
        try await postgres.close()
        let keywords = try PostgresStore(url: "host=127.0.0.1 port=1 dbname=db user=u password=Hunter2")
        #expect(!keywords.displayURL.contains("Hunter2"))
        try await keywords.close()
        let sqlServer = try SQLServerStore(location: "SERVER=127.0.0.1,1;DATABASE=db;UID=u;PWD={Hunter2;x}")
        #expect(sqlServer.displayURL == "SERVER=127.0.0.1,1;DATABASE=db;UID=u;PWD=***")
        try await sqlServer.close()
    }

    // MARK: PostgreSQL

    @Test("a password in the URL query is used as the password")
    func queryPassword() throws {
        let url = try PostgresURL("postgres://u@host/db?password=PW&sslmode=disable")
        #expect(url.user == "u" && url.password == "PW" && url.tls == .disable && url.parameters.isEmpty)
    }

    @Test("libpq keyword strings are parsed, with quoting and escapes")
    func keywordStrings() throws {
        let url = try PostgresURL(#"host=db.internal port=6543 dbname=faces user=frs password='it\'s a secret' sslmode=require application_name=worker"#)
        #expect(url.host == "db.internal" && url.port == 6543 && url.database == "faces" && url.user == "frs")
        #expect(url.password == "it's a secret" && url.tls == .require)
        #expect(url.parameters.map(\.0) == ["application_name"])
        let socket = try PostgresURL("host=/tmp/frs-pg dbname=frs user=frs")
        #expect(socket.socketDirectory == "/tmp/frs-pg" && socket.password == nil)
    }

    @Test("broken keyword strings are refused clearly and masked", arguments: [
        ("host=db user=frs password='never closed", "unterminated"),
        ("host=db user=frs password=PW hostaddr=10.0.0.1", "unsupported keyword 'hostaddr'"),
        ("host=db password=PW", "no user name"),
        ("host=db user=frs password=PW port=http", "port"),
    ])
    func brokenKeywords(_ text: String, _ reason: String) {
        do {
            _ = try PostgresURL(text)
            Issue.record("\(text) must be refused")
        } catch let error as FaceStoreError {
            #expect(error.reason == .invalidURL && error.backend == .postgres)
            #expect(error.description.contains(reason), "\(error)")
            #expect(!error.description.contains("PW") && !error.description.contains("never closed"), "\(error)")
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    // MARK: SQL Server

    @Test("mssql:// URLs: host, port, database, credentials and options")
    func sqlServerURL() throws {
        let target = try SQLServerTarget("mssql://frs:p%40ss%3Bw@sql.internal:14330/Faces?encrypt=yes&login_timeout=5")
        #expect(target == {
            var t = SQLServerTarget(host: "sql.internal", port: 14330, database: "Faces", user: "frs", password: "p@ss;w",
                                    encryption: "require")
            t.loginTimeoutSeconds = 5
            return t
        }())
        let named = try SQLServerTarget("sqlserver://sa:pw@sql/Faces?instance=SQLEXPRESS")
        #expect(named.instance == "SQLEXPRESS" && named.port == nil && named.serverDescription == "sql\\SQLEXPRESS")
        #expect(try SQLServerTarget("mssql://sa:pw@sql/db").serverDescription == "sql:1433")
    }

    @Test("ODBC strings as the original system's config.py holds them")
    func odbcStrings() throws {
        let original = try SQLServerTarget("DRIVER={SQL Server};SERVER=sql.internal;DATABASE=FaceRecognitionSystem_FRS;UID=frs;PWD=pw")
        #expect(original == SQLServerTarget(host: "sql.internal", database: "FaceRecognitionSystem_FRS", user: "frs", password: "pw"))
        // Keys are case-insensitive, spaces around them are ignored, the first occurrence wins.
        let mixed = try SQLServerTarget(" server = sql ; Database=A;database=B; uid=u ; pwd = {  spaced  } ;")
        #expect(mixed.host == "sql" && mixed.database == "A" && mixed.user == "u" && mixed.password == "  spaced  ")
        // Braces hold ; = and {, and }} stands for }.
        let braced = try SQLServerTarget("SERVER=sql;UID=u;PWD={a;b=c{d}}e}}};DATABASE=x")
        #expect(braced.password == "a;b=c{d}e}" && braced.database == "x")
    }

    @Test("SERVER forms: port after a comma, instance names, tcp:, (local)", arguments: [
        ("sql.internal", "sql.internal", nil, nil),
        ("sql.internal,14330", "sql.internal", 14330, nil),
        ("tcp:sql.internal,1433", "sql.internal", 1433, nil),
        ("sql.internal\\SQLEXPRESS", "sql.internal", nil, "SQLEXPRESS"),
        ("sql.internal\\SQLEXPRESS,1500", "sql.internal", 1500, nil),
        ("(local)", "localhost", nil, nil),
        (".\\SQLEXPRESS", "localhost", nil, "SQLEXPRESS"),
    ] as [(String, String, Int?, String?)])
    func serverForms(_ server: String, _ host: String, _ port: Int?, _ instance: String?) throws {
        let target = try SQLServerTarget("SERVER=\(server);UID=u;PWD=p")
        #expect(target.host == host && target.port == port && target.instance == instance)
    }

    @Test("a PORT key sets the port")
    func portKey() throws {
        #expect(try SQLServerTarget("SERVER=sql;PORT=2433;UID=u;PWD=p").port == 2433)
    }

    @Test("unusable SQL Server strings are refused, naming the problem, never the password", arguments: [
        ("SERVER=sql;UID=u;PWD={Secret;DATABASE=x", "unterminated '{'"),
        ("SERVER=sql;UID=u;PWD={Secret}x;DATABASE=x", "text after '}'"),
        ("DRIVER={SQL Server};SERVER=sql;Trusted_Connection=yes;PWD=Secret", "Windows authentication"),
        ("DRIVER={SQL Server};DATABASE=x;UID=u;PWD=Secret", "no SERVER"),
        ("DRIVER={SQL Server};SERVER=sql;PWD=Secret", "no UID"),
        ("SERVER=sql,99999;UID=u;PWD=Secret", "port"),
        ("SERVER=sql\\INST;PORT=1500;UID=u;PWD=Secret", "either a port or an instance"),
        ("SERVER=np:\\\\.\\pipe\\sql;UID=u;PWD=Secret", "named pipes"),
        ("DSN=frs;UID=u;PWD=Secret", "DSN"),
        ("mssql://sa:Secret@sql/db?bogus=1", "unknown option 'bogus'"),
        ("mssql://sa:Sec#ret@sql/db", "percent-encoded"),
        ("mssql://:Secret@sql/db", "no user name"),
        ("mssql://sa:Secret@sql:1433/db?instance=X", "either a port or an instance"),
    ])
    func refusedSQLServer(_ location: String, _ reason: String) {
        do {
            _ = try SQLServerTarget(location)
            Issue.record("\(location) must be refused")
        } catch let error as FaceStoreError {
            #expect(error.reason == .invalidURL && error.backend == .sqlServer)
            #expect(error.description.contains(reason), "\(error)")
            #expect(!error.description.contains("Secret") && !error.description.contains("Sec#ret"), "\(error)")
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test("the string handed to FreeTDS quotes what needs quoting and round-trips")
    func odbcBuilding() throws {
        let target = SQLServerTarget(host: "sql", port: 1433, database: "my;db", user: "frs", password: "p}w;{x}= ",
                                     encryption: "require")
        let text = target.odbcString(driver: "FreeTDS")
        #expect(text.hasPrefix("DRIVER=FreeTDS;SERVER=sql;PORT=1433;DATABASE={my;db};UID=frs;PWD={p}}w;{x}}= };"))
        #expect(text.contains("TDS_Version=7.4;") && text.contains("ClientCharset=UTF-8;") && text.contains("Encryption=require;"))
        // Parsing the built string gives every value back.
        let pairs = try ODBCConnectionString.parse(text)
        #expect(pairs.first { $0.key == "PWD" }?.value == "p}w;{x}= ")
        #expect(pairs.first { $0.key == "DATABASE" }?.value == "my;db")
        #expect(ODBCConnectionString.quote("plain") == "plain" && ODBCConnectionString.quote("") == "{}")
        // A named instance goes in SERVER, without a port.
        let named = SQLServerTarget(host: "sql", instance: "SQLEXPRESS", user: "u", password: "p").odbcString(driver: "FreeTDS")
        #expect(named.contains(#"SERVER=sql\SQLEXPRESS;"#) && !named.contains("PORT="))
    }
}
