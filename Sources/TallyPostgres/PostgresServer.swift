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
  let configuration: PostgresConnection.Configuration
  var connection: PostgresConnection
  let logger = Logger(label: "tally.postgres", factory: { _ in SwiftLogNoOpLogHandler() })
  var name: String { url.name }
  /// The longest a statement may run: the server stops it then, and a server that stops
  /// answering is given up on a little later.
  static let statementSeconds = 600

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
    configuration.options.additionalStartupParameters = [
      ("application_name", "tally"), ("statement_timeout", "\(Self.statementSeconds * 1000)"),
    ]
    self.configuration = configuration
    connection = try Self.open(configuration, url: url, logger: logger)
  }

  static func open(_ configuration: PostgresConnection.Configuration, url: ConnectionURL, logger: Logger) throws -> PostgresConnection {
    do {
      let future = PostgresConnection.connect(
        on: PostgresConnection.defaultEventLoopGroup.next(), configuration: configuration, id: 1, logger: logger)
      return try wait(future, seconds: 30) { future.whenSuccess { c in let _: EventLoopFuture<Void> = c.close() } }
    } catch let e as DatabaseServerError {
      throw e
    } catch {
      throw Self.describe(error, url: url)
    }
  }

  deinit { let _: EventLoopFuture<Void> = connection.close() }

  /// A future's value, waited for on this thread: given up after `seconds`, or when the user
  /// interrupts (Ctrl-C), after `abandon` has closed what the future stands for.
  /// A connection that closes while a statement waits ends the wait with `Closed`: a query sent
  /// on a closing connection is otherwise never answered.
  static func wait<T: Sendable>(
    _ future: EventLoopFuture<T>, seconds: Int, closing: EventLoopFuture<Void>? = nil, abandon: () -> Void
  ) throws -> T {
    let done = DispatchSemaphore(value: 0)
    let box = ResultBox<T>()
    future.whenComplete { r in
      box.set(r)
      done.signal()
    }
    closing?.whenComplete { _ in
      // Let an answer already on its way arrive first.
      future.eventLoop.scheduleTask(in: .milliseconds(200)) {
        box.set(.failure(Closed()), ifEmpty: true)
        done.signal()
      }
    }
    let deadline = DispatchTime.now() + .seconds(seconds)
    var why: String?
    while done.wait(timeout: .now() + .milliseconds(100)) == .timedOut {
      if Interruption.isRequested || DispatchTime.now() > deadline {
        why = Interruption.isRequested ? "interrupted" : "no answer after \(seconds) s"
        abandon()
        _ = done.wait(timeout: .now() + .seconds(5))
        break
      }
    }
    if let why {
      throw DatabaseServerError("the server was left waiting: \(why)", notes: ["is the server overloaded, or the statement too slow?"])
    }
    guard let r = box.get() else { throw DatabaseServerError("the server did not answer") }
    return try r.get()
  }

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

  func table(_ table: String) throws -> (name: String, columns: [(name: String, type: String)])? {
    let parts = table.split(separator: ".", maxSplits: 1).map(String.init)
    // The name as written, then as PostgreSQL folds an unquoted name (to lowercase); the
    // statements then read the table by the names the server resolved.
    let exact = parts.map { "\"" + $0.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }.joined(separator: ".")
    let literal = { (s: String) in "'" + s.replacingOccurrences(of: "'", with: "''").replacingOccurrences(of: "\\", with: "\\\\") + "'" }
    let sql = """
      SELECT CAST(n.nspname AS TEXT), CAST(c.relname AS TEXT), CAST(a.attname AS TEXT), format_type(a.atttypid, NULL)
      FROM pg_attribute AS a
        JOIN pg_class AS c ON c.oid = a.attrelid
        JOIN pg_namespace AS n ON n.oid = c.relnamespace
      WHERE a.attrelid = COALESCE(to_regclass(E\(literal(exact))), to_regclass(E\(literal(table))))
        AND a.attnum > 0 AND NOT a.attisdropped
      ORDER BY a.attnum
      """
    let rows = try self.rows(sql)
    guard let first = rows.first, let schema = first[0], let relation = first[1] else { return nil }
    let quote = { (s: String) in "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }
    return (quote(schema) + "." + quote(relation), rows.map { (name: $0[2] ?? "", type: $0[3] ?? "text") })
  }

  func rows(_ sql: String) throws -> [[String?]] {
    do {
      if connection.isClosed { throw Closed() }
      return try run(sql)
    } catch let e where Self.isClosedConnection(e) {
      // The server dropped the connection (a restart, an idle timeout, an administrator's
      // pg_terminate_backend): connect again, once.
      connection = try Self.open(configuration, url: url, logger: logger)
      do {
        return try run(sql)
      } catch {
        throw Self.describe(error, url: url)
      }
    } catch let e as DatabaseServerError {
      throw e
    } catch {
      throw Self.describe(error, url: url)
    }
  }

  /// Runs a statement on the open connection, waiting at most the statement timeout and a half minute.
  func run(_ sql: String) throws -> [[String?]] {
    let c = connection
    let result = try Self.wait(
      connection.query(PostgresQuery(unsafeSQL: sql), logger: logger), seconds: Self.statementSeconds + 30, closing: c.closeFuture
    ) {
      let _: EventLoopFuture<Void> = c.close()  // the server stops the statement when its client goes
    }
    return result.rows.map { row in row.map { cell in cell.bytes.map { String(buffer: $0) } } }
  }

  /// The connection is gone (rather than the statement failing): worth connecting again.
  static func isClosedConnection(_ error: any Error) -> Bool {
    if error is Closed { return true }
    guard let e = error as? PSQLError else { return false }
    if let state = e.serverInfo?[.sqlState] {
      // 57P01 admin_shutdown (pg_terminate_backend), 57P02 crash_shutdown, 57P03 cannot_connect_now
      return state == "57P01" || state == "57P02"
    }
    return [.serverClosedConnection, .clientClosedConnection, .connectionError, .uncleanShutdown].contains(e.code)
  }

  /// The connection closed before the statement was answered.
  struct Closed: Error {}

  /// An error as Tally reports it: the server's message with its detail and hint, or why the
  /// server could not be reached. A password never appears, even where a message would echo it.
  static func describe(_ error: any Error, url: ConnectionURL) -> DatabaseServerError {
    var out: DatabaseServerError
    if error is Closed {
      out = DatabaseServerError("\(url.name) closed the connection", notes: ["connect again; is the server shutting down?"])
    } else if let e = error as? PSQLError {
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

/// A result handed from the event loop to the waiting thread.
private final class ResultBox<T: Sendable>: @unchecked Sendable {
  private let lock = NSLock()
  private var value: Result<T, any Error>?
  func set(_ r: Result<T, any Error>, ifEmpty: Bool = false) {
    lock.withLock {
      if !ifEmpty || value == nil { value = r }
    }
  }
  func get() -> Result<T, any Error>? { lock.withLock { value } }
}
