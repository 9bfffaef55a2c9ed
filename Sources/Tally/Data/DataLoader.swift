import Foundation

/// Loads CSV, TSV and JSON Lines files (optionally gzip-compressed) into typed columns.
///
/// CSV is read in two passes over the bytes: the first checks the structure (quotes,
/// field counts, UTF-8) and infers each column's type from all of its values; the second
/// converts every field straight into the column's typed buffer.
@_spi(Stages) public enum DataLoader {
  /// Loads a file as a dataset. Values without a UTC offset are read in `zone`. With
  /// `columns`, a CSV or TSV file's other columns are left out (their fields still delimited
  /// and counted, so a malformed record is an error all the same).
  public static func load(name: String, path: String, zone: Zone, columns: Set<String>? = nil) throws -> Dataset {
    var isDir: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir) else {
      let dir = Paths.directory(of: path)
      let base = Paths.lastComponent(of: path)
      let siblings = (try? FileManager.default.contentsOfDirectory(atPath: dir.isEmpty ? "." : dir)) ?? []
      // A broken or looping symbolic link is there by name: no other name is meant.
      let notes = siblings.contains(base) ? ["it is a symbolic link to nothing readable"] : suggestion(base, in: siblings)
      throw TallyError(.dataError(DataMessage.fileNotFound(path), file: path, notes: notes))
    }
    if isDir.boolValue { throw TallyError(.dataError(DataMessage.unreadable(path, why: "it is a directory"), file: path)) }
    var data = try contents(of: path)
    var lower = path.lowercased()
    if lower.hasSuffix(".gz") {
      data = Data(try gunzip([UInt8](data), file: path))
      lower.removeLast(3)
    }
    if lower.hasSuffix(".jsonl") || lower.hasSuffix(".ndjson") || lower.hasSuffix(".json") {
      return try JSONLinesReader.read(name: name, path: path, bytes: [UInt8](data), zone: zone)
    }
    let bytes = data
    let delimiter: UInt8 = lower.hasSuffix(".tsv") || lower.hasSuffix(".tab") ? 9 : 44
    return try CSVReader(path: path, bytes: bytes, delimiter: delimiter, zone: zone).read(name: name, keeping: columns)
  }

  /// The column names of a file's header, read from its first bytes only; nil when they
  /// cannot be known without reading the whole file (JSON Lines, a header longer than the prefix).
  public static func header(path: String) throws -> [String]? {
    try headerAndStrings(path: path)?.names
  }

}
