import Foundation
import Tally

extension ReplSession {
  func commandCompletions(_ line: String) -> Completion {
    let bytes = Array(line.utf8)
    let colon = bytes.firstIndex(of: UInt8(ascii: ":"))!
    let afterColon = String(decoding: bytes[(colon + 1)...], as: UTF8.self)
    guard let space = afterColon.firstIndex(where: { $0.isWhitespace }) else {
      let names = MetaCommand.all.map { ":" + $0.name }
      return Completion(start: colon, candidates: match(":" + afterColon, names))
    }
    let name = String(afterColon[..<space])
    let args = String(afterColon[space...])
    let words = MetaCommand.words(args)
    let endsInSpace = MetaCommand.endsBetweenWords(args)
    let argIndex = endsInSpace ? words.count : max(0, words.count - 1)
    let word = endsInSpace ? "" : (words.last ?? "")
    let start = bytes.count - word.utf8.count
    let cmd = MetaCommand.named(name)?.name
    switch (cmd, argIndex) {
    case ("load"?, 0):
      // A path with spaces is quoted (`"my data.csv"`), or escaped if it is typed so (`my\ data.csv`).
      let raw = String(args.drop { $0.isWhitespace })
      if raw.hasPrefix("\"") {
        // Inside quotes: complete from after the quote; a file closes it.
        let typed = String(raw.dropFirst())
        let found = files(typed, extensions: nil).map { $0.hasSuffix("/") ? $0 : $0 + "\"" }
        return Completion(start: bytes.count - typed.utf8.count, candidates: found)
      }
      let paths = files(word, extensions: nil)
      let found: [String]
      if raw.contains("\\") {
        found = paths.map(MetaCommand.escaped)
      } else if paths.contains(where: { $0.contains(where: \.isWhitespace) }) {
        // All quoted alike, so that they share what replaces the typed word.
        found = paths.map { "\"" + $0 + ($0.hasSuffix("/") ? "" : "\"") }
      } else {
        found = paths
      }
      return Completion(start: bytes.count - raw.utf8.count, candidates: found)
    case ("load"?, _):
      let prev = words.count >= (endsInSpace ? 1 : 2) ? words[words.count - (endsInSpace ? 1 : 2)] : ""
      if prev == "time", let p = words.first {
        let cols =
          Session.timeColumns(inFile: fullPath(p))
        return Completion(start: start, candidates: match(word, cols))
      }
      if prev == "as" { return Completion(start: start, candidates: []) }
      return Completion(start: start, candidates: match(word, ["as", "time"]))
    case ("schema"?, 0):
      return Completion(start: start, candidates: match(word, session.names([.dataset, .view])))
    case ("describe"?, 0):
      return Completion(start: start, candidates: match(word, session.names([.dataset, .view, .value, .metric])))
    case ("format"?, 0): return Completion(start: start, candidates: match(word, OutputFormat.allCases.map(\.rawValue)))
    case ("timing"?, 0): return Completion(start: start, candidates: match(word, ["on", "off"]))
    case ("asof"?, 0): return Completion(start: start, candidates: match(word, ["default"]))
    case ("tz"?, 0): return Completion(start: start, candidates: match(word, ["UTC"] + TimeZone.knownTimeZoneIdentifiers))
    case ("help"?, 0): return Completion(start: start, candidates: match(word, Help.topicNames))
    default: return Completion(start: start, candidates: [])
    }
  }

  /// Paths that start with `typed`, relative to the base directory; directories end in `/`.
  /// Only data and `.kpi` files are offered unless `extensions` says otherwise.
  func files(_ typed: String, extensions: [String]?) -> [String] {
    let dirPart = typed.contains("/") ? String(typed[...typed.lastIndex(of: "/")!]) : ""
    let namePart = String(typed.dropFirst(dirPart.count))
    let dir = dirPart.isEmpty ? baseDirectory : fullPath(dirPart)
    guard let entries = try? FileManager.default.contentsOfDirectory(atPath: dir) else { return [] }
    let wanted = extensions ?? [".csv", ".tsv", ".tab", ".jsonl", ".ndjson", ".json", ".gz", ".kpi", ".tally"]
    var out: [String] = []
    for e in entries where e.hasPrefix(namePart) && (namePart.hasPrefix(".") || !e.hasPrefix(".")) {
      var isDir: ObjCBool = false
      guard FileManager.default.fileExists(atPath: (dir as NSString).appendingPathComponent(e), isDirectory: &isDir) else { continue }
      if isDir.boolValue {
        out.append(dirPart + e + "/")
      } else if wanted.contains(where: { e.lowercased().hasSuffix($0) }) {
        out.append(dirPart + e)
      }
    }
    return out.sorted()
  }
}
