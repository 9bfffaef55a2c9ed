import Foundation
import Tally

/// Where a `dataset ... from postgres "CONN"` connects: `env:VAR` (the URL in that variable,
/// which may hold a password) or a `postgres://` URL written in a definition (which may not).
/// A missing password comes from `PGPASSWORD`, then `~/.pgpass` (or `PGPASSFILE`).
struct ConnectionURL {
  var user: String
  var password: String?
  var host: String
  var port: Int
  var database: String
  /// `disable`, `allow`, `prefer` (the default), `require`, `verify-ca`, `verify-full`.
  var sslMode: String
  /// `sslrootcert`: the certificates a server's is checked against, for `verify-ca` and `verify-full`.
  var rootCertificate: String?

  /// The server as messages name it: never the password.
  var name: String { "postgres://\(user)@\(host.hasPrefix("/") ? "[\(host)]" : host):\(port)/\(database)" }

  /// A part of the URL with its `%XX` escapes decoded; a broken escape is an error, never
  /// another user or database.
  static func decoded(_ part: String, _ what: String) throws -> String {
    guard let d = part.removingPercentEncoding else {
      throw DatabaseServerError("the \(what) in the connection URL has a broken %-escape", notes: ["write a '%' as %25"])
    }
    return d
  }

  /// Reads a connection; errors name what is wrong, never a password.
  static func parse(_ connection: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws -> ConnectionURL {
    var text = connection
    var fromEnvironment = false
    if connection.hasPrefix("env:") {
      let variable = String(connection.dropFirst(4))
      guard let value = environment[variable], !value.isEmpty else {
        throw DatabaseServerError(
          "the environment variable \(variable) is not set",
          notes: ["set \(variable) to the server's URL: postgres://USER:PASSWORD@HOST:5432/DATABASE"])
      }
      text = value
      fromEnvironment = true
    }
    guard let schemeEnd = text.range(of: "://"), ["postgres", "postgresql"].contains(text[..<schemeEnd.lowerBound].lowercased()) else {
      throw DatabaseServerError(
        fromEnvironment
          ? "the URL in \(connection.dropFirst(4)) does not start with postgres://" : "a connection is \"env:VAR\" or a postgres:// URL",
        notes: ["write postgres://USER@HOST:5432/DATABASE, or name an environment variable that holds it: \"env:WAREHOUSE_URL\""])
    }
    var rest = String(text[schemeEnd.upperBound...])
    var query: [String: String] = [:]
    if let q = rest.firstIndex(of: "?") {
      for pair in rest[rest.index(after: q)...].split(separator: "&") {
        let kv = pair.split(separator: "=", maxSplits: 1).map(String.init)
        query[kv[0]] = kv.count > 1 ? (kv[1].removingPercentEncoding ?? kv[1]) : ""
      }
      rest = String(rest[..<q])
    }
    var user: String?
    var password: String?
    // The last `@` ends the user part: a password may hold one.
    if let at = rest.lastIndex(of: "@") {
      let info = rest[..<at]
      rest = String(rest[rest.index(after: at)...])
      if let colon = info.firstIndex(of: ":") {
        user = try decoded(String(info[..<colon]), "user name")
        password = try decoded(String(info[info.index(after: colon)...]), "password")
      } else {
        user = try decoded(String(info), "user name")
      }
    }
    if let p = query["password"] { password = p }
    if password != nil, !fromEnvironment {
      var e = DatabaseServerError(
        "the connection URL holds a password, which a definition file must not",
        notes: [
          "remove it from the URL and set PGPASSWORD or ~/.pgpass, or keep the whole URL in an environment variable: \"env:WAREHOUSE_URL\""
        ])
      e.quotesSecret = true
      throw e
    }
    var database: String?
    if let slash = rest.firstIndex(of: "/") {
      database = try decoded(String(rest[rest.index(after: slash)...]), "database name")
      rest = String(rest[..<slash])
    }
    var host = rest.removingPercentEncoding ?? rest
    var port: Int?
    if host.hasPrefix("[") {  // [::1]:5432
      if let close = host.firstIndex(of: "]") {
        let after = host[host.index(after: close)...]
        if after.hasPrefix(":") { port = Int(after.dropFirst()) }
        host = String(host[host.index(after: host.startIndex)..<close])
      }
    } else if let colon = host.lastIndex(of: ":") {
      guard let p = Int(host[host.index(after: colon)...]), (1...65535).contains(p) else {
        throw DatabaseServerError("the port in the connection URL is not a number from 1 to 65535")
      }
      port = p
      host = String(host[..<colon])
    }
    if let h = query["host"], !h.isEmpty { host = h }  // a socket's folder: ?host=/var/run/postgresql
    if host.isEmpty { host = environment["PGHOST"] ?? "localhost" }
    let finalPort = port ?? query["port"].flatMap(Int.init) ?? environment["PGPORT"].flatMap(Int.init) ?? 5432
    let finalUser = user.flatMap { $0.isEmpty ? nil : $0 } ?? query["user"] ?? environment["PGUSER"] ?? NSUserName()
    let finalDatabase = database.flatMap { $0.isEmpty ? nil : $0 } ?? query["dbname"] ?? environment["PGDATABASE"] ?? finalUser
    let mode = query["sslmode"] ?? environment["PGSSLMODE"] ?? "prefer"
    guard ["disable", "allow", "prefer", "require", "verify-ca", "verify-full"].contains(mode) else {
      throw DatabaseServerError(
        "unknown sslmode '\(mode)'", notes: ["use one of disable, allow, prefer, require, verify-ca, verify-full"])
    }
    var url = ConnectionURL(
      user: finalUser, password: password, host: host, port: finalPort, database: finalDatabase, sslMode: mode,
      rootCertificate: query["sslrootcert"] ?? environment["PGSSLROOTCERT"])
    if url.password == nil || url.password == "" {
      url.password = environment["PGPASSWORD"] ?? PasswordFile.password(for: url, environment: environment)
    }
    return url
  }
}

/// `~/.pgpass`: `host:port:database:user:password` lines, `*` matching anything, read only
/// when the file is private to its owner (as libpq reads it).
enum PasswordFile {
  static func password(for url: ConnectionURL, environment: [String: String]) -> String? {
    let path = environment["PGPASSFILE"] ?? (NSHomeDirectory() as NSString).appendingPathComponent(".pgpass")
    guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
      let mode = attributes[.posixPermissions] as? Int, mode & 0o077 == 0,
      let text = try? String(contentsOfFile: path, encoding: .utf8)
    else { return nil }
    let host = url.host.hasPrefix("/") ? "localhost" : url.host
    for line in text.split(whereSeparator: \.isNewline) where !line.hasPrefix("#") {
      let fields = split(String(line))
      guard fields.count == 5 else { continue }
      let wanted = [host, String(url.port), url.database, url.user]
      if zip(fields, wanted).allSatisfy({ $0 == "*" || $0 == $1 }) { return fields[4] }
    }
    return nil
  }

  /// A line's fields: `:` separates them, `\:` and `\\` stand for themselves.
  static func split(_ line: String) -> [String] {
    var fields: [String] = []
    var current = ""
    var escaped = false
    for c in line {
      if escaped {
        current.append(c)
        escaped = false
      } else if c == "\\" {
        escaped = true
      } else if c == ":" && fields.count < 4 {
        fields.append(current)
        current = ""
      } else {
        current.append(c)
      }
    }
    fields.append(current)
    return fields
  }
}
