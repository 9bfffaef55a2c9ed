import Foundation

/// A connection to a database server that holds datasets (`dataset NAME from postgres ...`):
/// Tally reads a table's columns from it and has it compute every aggregate over the table.
public protocol DatabaseServer: AnyObject {
  /// The server as people name it, never with a password: `postgres://ana@db.internal:5432/shop`.
  var name: String { get }
  /// A table (`SCHEMA.TABLE` or `TABLE`, as the server resolves the name): its name as
  /// statements write it (`"sales"."orders"`), and its columns with their server types, in
  /// order; nil when the server has no such table.
  func table(_ table: String) throws -> (name: String, columns: [(name: String, type: String)])?
  /// Runs one statement and returns its rows, each cell as the server writes it as text (nil: NULL).
  func rows(_ sql: String) throws -> [[String?]]
}

/// What a server said when a connection or a statement failed, without any password.
public struct DatabaseServerError: Error, Sendable {
  /// One line: the server's own message, or why it could not be reached.
  public var message: String
  /// Hints that follow it: the server's detail and hint, or how to fix the connection.
  public var notes: [String]
  /// The server's error code (SQLSTATE), when it sent one.
  public var code: String?
  /// True when the connection as written holds a secret: the error then names the place but
  /// does not quote its line.
  public var quotesSecret = false

  /// An error with a message and notes.
  public init(_ message: String, notes: [String] = [], code: String? = nil) {
    self.message = message
    self.notes = notes
    self.code = code
  }
}

/// Opens connections to servers. The `tally` command line installs one that speaks PostgreSQL's
/// protocol; an embedding without one cannot declare datasets on servers.
public protocol DatabaseConnector: AnyObject {
  /// A connection for `env:VAR` or a `postgres://` URL; its errors never hold a password.
  func connect(_ connection: String) throws -> any DatabaseServer
}

/// The servers a process talks to: one connection per connection string, opened when a
/// definition first names it and kept for every session of the run.
public final class DatabaseServers: @unchecked Sendable {
  /// The process's servers.
  public static let shared = DatabaseServers()

  private let lock = NSLock()
  private var connectorStorage: (any DatabaseConnector)?
  private var open: [String: any DatabaseServer] = [:]
  /// Connections that failed, with why: tried once per run, not once per dataset.
  private var failed: [String: DatabaseServerError] = [:]

  /// What opens connections; nil until a front end installs one.
  public var connector: (any DatabaseConnector)? {
    get { lock.withLock { connectorStorage } }
    set { lock.withLock { connectorStorage = newValue } }
  }

  /// The connection for a connection string, opened once.
  func server(_ connection: String) throws -> any DatabaseServer {
    try lock.withLock {
      if let s = open[connection] { return s }
      guard let connector = connectorStorage else {
        throw DatabaseServerError(
          "this program cannot reach database servers", notes: ["run the 'tally' command line, which speaks PostgreSQL's protocol"])
      }
      if let e = failed[connection] { throw e }
      do {
        let s = try connector.connect(connection)
        open[connection] = s
        return s
      } catch let e as DatabaseServerError {
        failed[connection] = e
        throw e
      }
    }
  }
}
