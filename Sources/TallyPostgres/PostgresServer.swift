import Foundation
import Logging
import PostgresNIO
import Tally

/// Opens connections that speak PostgreSQL's protocol (PostgreSQL, and the warehouses that
/// speak it), for `dataset ... from postgres`. Install it once: `DatabaseServers.shared.connector = PostgresConnector()`.
public final class PostgresConnector: DatabaseConnector {
  /// A connector that reads passwords from the URL in an environment variable, `PGPASSWORD` or `~/.pgpass`.
  public init() {}

  public func connect(_ connection: String) throws -> any DatabaseServer {
    let url = try ConnectionURL.parse(connection)
    return try PostgresServer(url)
  }
}

/// One connection, used by one thread at a time: every call waits for the server's answer.
final class PostgresServer: DatabaseServer {
  let url: ConnectionURL
  let connection: PostgresConnection
  let logger = Logger(label: "tally.postgres", factory: { _ in SwiftLogNoOpLogHandler() })
  var name: String { url.name }

  init(_ url: ConnectionURL) throws {
    self.url = url
    var configuration: PostgresConnection.Configuration
    if url.host.hasPrefix("/") {
      let socket = (url.host as NSString).appendingPathComponent(".s.PGSQL.\(url.port)")
      configuration = .init(unixSocketPath: socket, username: url.user, password: url.password, database: url.database)
    } else {
      configuration = .init(
        host: url.host, port: url.port, username: url.user, password: url.password, database: url.database, tls: try Self.tls(url))
    }
    configuration.options.connectTimeout = .seconds(10)
    // Statements read instants and write them back as epoch microseconds; the zone named here
    // only shapes how the server prints the errors it sends.
    configuration.options.additionalStartupParameters = [("application_name", "tally")]
    do {
      connection = try PostgresConnection.connect(
        on: PostgresConnection.defaultEventLoopGroup.next(), configuration: configuration, id: 1, logger: logger
      ).wait()
    } catch {
      throw Self.describe(error, url: url)
    }
  }

  deinit { try? connection.close().wait() }

  /// TLS as `sslmode` asks: none, tried, required, or required with the server's certificate checked.
  static func tls(_ url: ConnectionURL) throws -> PostgresConnection.Configuration.TLS {
    var config = TLSConfiguration.makeClientConfiguration()
    switch url.sslMode {
    case "disable": return .disable
    case "verify-ca", "verify-full":
      if let root = url.rootCertificate { config.trustRoots = .file(root) }
      config.certificateVerification = url.sslMode == "verify-full" ? .fullVerification : .noHostnameVerification
    default:
      config.certificateVerification = .none
    }
    let context: NIOSSLContext
    do {
      context = try NIOSSLContext(configuration: config)
    } catch {
      throw DatabaseServerError("cannot set up TLS: \(error)", notes: ["check sslrootcert, or use sslmode=require"])
    }
    return ["require", "verify-ca", "verify-full"].contains(url.sslMode) ? .require(context) : .prefer(context)
  }

  func columns(of table: String) throws -> [(name: String, type: String)]? {
    let parts = table.split(separator: ".", maxSplits: 1).map(String.init)
    // The name as written, then as PostgreSQL folds an unquoted name (to lowercase).
    let exact = parts.map { "\"" + $0.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }.joined(separator: ".")
    let literal = { (s: String) in "'" + s.replacingOccurrences(of: "'", with: "''") + "'" }
    let sql = """
      SELECT CAST(a.attname AS TEXT), format_type(a.atttypid, NULL)
      FROM pg_attribute AS a
      WHERE a.attrelid = COALESCE(to_regclass(\(literal(exact))), to_regclass(\(literal(table))))
        AND a.attnum > 0 AND NOT a.attisdropped
      ORDER BY a.attnum
      """
    let rows = try self.rows(sql)
    guard !rows.isEmpty else { return nil }
    return rows.map { (name: $0[0] ?? "", type: $0[1] ?? "text") }
  }

  func rows(_ sql: String) throws -> [[String?]] {
    let result: PostgresQueryResult
    do {
      result = try connection.query(PostgresQuery(unsafeSQL: sql), logger: logger).wait()
    } catch {
      throw Self.describe(error, url: url)
    }
    return result.rows.map { row in row.map { cell in cell.bytes.map { String(buffer: $0) } } }
  }

  /// An error as Tally reports it: the server's message with its detail and hint, or why the
  /// server could not be reached. A password never appears, even where a message would echo it.
  static func describe(_ error: any Error, url: ConnectionURL) -> DatabaseServerError {
    var out: DatabaseServerError
    if let e = error as? PSQLError {
      if let info = e.serverInfo, let message = info[.message] {
        var notes: [String] = []
        if let d = info[.detail] { notes.append(d) }
        if let h = info[.hint] { notes.append(h) }
        let code = info[.sqlState]
        if code == "28P01" || code == "28000" {
          notes.append("check the user and password: the URL in the environment variable, PGPASSWORD or ~/.pgpass")
        }
        out = DatabaseServerError(message, notes: notes, code: code)
      } else {
        switch e.code {
        case .connectionError, .uncleanShutdown:
          let why = e.underlying.map { "\($0)" } ?? "\(e.code)"
          out = DatabaseServerError(
            "\(url.name) is unreachable (\(shortReason(why)))",
            notes: ["is the server running and accepting TCP connections on \(url.host):\(url.port)?"])
        case .sslUnsupported:
          out = DatabaseServerError(
            "\(url.name) does not offer TLS, which sslmode=\(url.sslMode) requires", notes: ["use sslmode=prefer or disable"])
        case .authMechanismRequiresPassword:
          out = DatabaseServerError(
            "\(url.name) asks for a password and none was given",
            notes: ["set PGPASSWORD, add a line to ~/.pgpass, or keep the URL with its password in an environment variable: \"env:VAR\""])
        case .serverClosedConnection, .clientClosedConnection:
          out = DatabaseServerError("\(url.name) closed the connection", notes: ["connect again; is the server shutting down?"])
        default:
          out = DatabaseServerError("\(url.name): \(e.code)")
        }
      }
    } else {
      out = DatabaseServerError(
        "\(url.name) is unreachable (\(shortReason("\(error)")))", notes: ["is the server running on \(url.host):\(url.port)?"])
    }
    return scrubbed(out, url.password)
  }

  /// The part of a system error people read: `Connection refused`, `timeout`.
  static func shortReason(_ s: String) -> String {
    if s.contains("refused") { return "connection refused" }
    if s.lowercased().contains("timeout") || s.lowercased().contains("timed out") { return "timed out" }
    if s.contains("resolve") || s.contains("NXDOMAIN") || s.contains("Name or service") { return "unknown host" }
    return s.count > 200 ? String(s.prefix(200)) + "…" : s
  }

  /// The error with every occurrence of the password replaced.
  static func scrubbed(_ e: DatabaseServerError, _ password: String?) -> DatabaseServerError {
    guard let password, !password.isEmpty else { return e }
    var out = e
    out.message = out.message.replacingOccurrences(of: password, with: "********")
    out.notes = out.notes.map { $0.replacingOccurrences(of: password, with: "********") }
    return out
  }
}
