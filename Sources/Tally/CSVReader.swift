import CZlib
import Foundation

/// Loads CSV, TSV and JSON Lines files (optionally gzip-compressed) into typed columns.
///
/// CSV is read in two passes over the bytes: the first checks the structure (quotes,
/// field counts, UTF-8) and infers each column's type from all of its values; the second
/// converts every field straight into the column's typed buffer.
public enum DataLoader {
  /// Loads a file as a dataset. Values without a UTC offset are read in `zone`.
  public static func load(name: String, path: String, zone: Zone) throws -> Dataset {
    var isDir: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir) else {
      let dir = Paths.directory(of: path)
      let base = Paths.lastComponent(of: path)
      let siblings = (try? FileManager.default.contentsOfDirectory(atPath: dir.isEmpty ? "." : dir)) ?? []
      // A broken or looping symbolic link is there by name: no other name is meant.
      let notes = siblings.contains(base) ? ["it is a symbolic link to nothing readable"] : suggestion(base, in: siblings)
      throw TallyError(.dataError(Message.fileNotFound(path), file: path, notes: notes))
    }
    if isDir.boolValue { throw TallyError(.dataError(Message.unreadable(path, "it is a directory"), file: path)) }
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
    return try CSVReader(path: path, bytes: bytes, delimiter: delimiter, zone: zone).read(name: name)
  }

  /// The column names of a file's header, read from its first bytes only; nil when they
  /// cannot be known without reading the whole file (JSON Lines, a header longer than the prefix).
  public static func header(path: String) throws -> [String]? {
    try headerAndStrings(path: path)?.names
  }

  /// The header's names, and the columns that are certainly `string` columns: a value in the
  /// first bytes is text that no narrower type reads (so the whole column is text too). The
  /// other columns' types are known only after reading every value.
  static func headerAndStrings(path: String) throws -> (names: [String], strings: Set<String>)? {
    guard FileManager.default.fileExists(atPath: path) else {
      _ = try load(name: "", path: path, zone: .utc)
      return nil
    }
    // A pipe is read once, by the load itself; a device never.
    guard fileKind(path) == .regular, let handle = FileHandle(forReadingAtPath: path) else { return nil }
    defer { try? handle.close() }
    var bytes = [UInt8]((try? handle.read(upToCount: 1 << 20)) ?? Data())
    var lower = path.lowercased()
    if lower.hasSuffix(".gz") {
      bytes = (try? gunzip(bytes, file: path, limit: 1 << 20)) ?? []
      lower.removeLast(3)
    }
    if lower.hasSuffix(".jsonl") || lower.hasSuffix(".ndjson") || lower.hasSuffix(".json") { return nil }
    let delimiter: UInt8 = lower.hasSuffix(".tsv") || lower.hasSuffix(".tab") ? 9 : 44
    guard bytes.contains(10) || bytes.contains(13) else { return nil }
    let reader = CSVReader(path: path, bytes: Data(bytes), delimiter: delimiter, zone: .utc)
    let whole = bytes.count < 1 << 20
    return bytes.withUnsafeBufferPointer { p -> (names: [String], strings: Set<String>)? in
      var start = 0
      if p.count >= 3, p[0] == 0xEF, p[1] == 0xBB, p[2] == 0xBF { start = 3 }
      var sink = HeaderSink()
      guard let after = try? reader.scan(p, from: start, line: 1, columns: nil, sink: &sink, limit: 1), !sink.names.isEmpty else {
        return nil
      }
      // The records in the prefix, up to a line break (the next record may be cut); a line
      // break inside quotes is not a record's end, so a few earlier ones are tried.
      var end = p.count
      for attempt in 0..<8 {
        if !whole || attempt > 0 {
          if end > after.offset { end -= 1 }
          while end > after.offset, p[end - 1] != 10 { end -= 1 }
        }
        guard end > after.offset else { break }
        var infer = InferSink(inferrers: [TypeInferrer](repeating: TypeInferrer(), count: sink.names.count))
        let prefix = UnsafeBufferPointer(rebasing: p[0..<end])
        guard firstInvalidUTF8(prefix, from: after.offset) == nil else { break }
        guard (try? reader.scan(prefix, from: after.offset, line: after.line, columns: sink.names.count, sink: &infer, limit: nil)) != nil
        else { continue }
        let strings = zip(sink.names, infer.inferrers).filter { $0.1.nonNull > 0 && $0.1.type == .string }.map(\.0)
        return (sink.names, Set(strings))
      }
      return (sink.names, [])
    }
  }

  /// A file's bytes: a regular file memory-mapped (parsed in place, never copied), a pipe
  /// read to its end (`--data o=<(zcat x.csv.gz)`, /dev/stdin); anything else is refused.
  static func contents(of path: String) throws -> Data {
    switch fileKind(path) {
    case .regular:
      guard let data = try? Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped) else {
        throw TallyError(.dataError(Message.unreadable(path, "it cannot be opened for reading"), file: path))
      }
      return data
    case .pipe:
      guard let handle = FileHandle(forReadingAtPath: path) else {
        throw TallyError(.dataError(Message.unreadable(path, "it cannot be opened for reading"), file: path))
      }
      defer { try? handle.close() }
      return (try? handle.readToEnd()) ?? Data()
    case .other:
      throw TallyError(.dataError(Message.unreadable(path, "it is not a file or a pipe"), file: path))
    }
  }

  enum FileKind { case regular, pipe, other }

  /// What a path is, following symbolic links: a regular file, a pipe (FIFO), or something
  /// else (a device, a socket).
  static func fileKind(_ path: String) -> FileKind {
    var st = stat()
    guard stat(path, &st) == 0 else { return .other }
    switch st.st_mode & S_IFMT {
    case S_IFREG: return .regular
    case S_IFIFO: return .pipe
    default: return .other
    }
  }

  /// Decompresses gzip data (several members are read one after the other).
  static func gunzip(_ input: [UInt8], file: String, limit: Int = .max) throws -> [UInt8] {
    var out: [UInt8] = []
    out.reserveCapacity(min(limit, input.count * 4))
    var stream = z_stream()
    guard inflateInit2_(&stream, 15 + 32, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
      throw TallyError(.dataError(Message.gzip("zlib failed to start"), file: file))
    }
    defer { inflateEnd(&stream) }
    var chunk = [UInt8](repeating: 0, count: 1 << 18)
    try input.withUnsafeBufferPointer { inp in
      stream.next_in = UnsafeMutablePointer(mutating: inp.baseAddress)
      stream.avail_in = UInt32(inp.count)
      while true {
        let status = chunk.withUnsafeMutableBufferPointer { buf -> Int32 in
          stream.next_out = buf.baseAddress
          stream.avail_out = UInt32(buf.count)
          return inflate(&stream, Z_NO_FLUSH)
        }
        out.append(contentsOf: chunk[0..<(chunk.count - Int(stream.avail_out))])
        if out.count >= limit { return }
        if status == Z_STREAM_END {
          if stream.avail_in == 0 { return }
          inflateReset(&stream)
          continue
        }
        if status == Z_BUF_ERROR && stream.avail_in == 0 {
          throw TallyError(.dataError(Message.gzip("the file ends in the middle of the compressed data"), file: file))
        }
        if status != Z_OK {
          let why = stream.msg.map { String(cString: $0) } ?? "corrupt data"
          throw TallyError(.dataError(Message.gzip(why), file: file))
        }
      }
    }
    return out
  }
}

/// Receives the fields of a CSV scan.
protocol FieldSink {
  mutating func field(_ column: Int, _ p: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, escaped: Bool)
  mutating func endRecord()
}

/// Infers a column's type from its values, narrowest first: int, number, bool, time, else string.
struct TypeInferrer {
  var canInt = true, canNumber = true, canBool = true, canTime = true
  var nonNull = 0

  mutating func observe(_ p: UnsafeBufferPointer<UInt8>, _ s: Int, _ e: Int) {
    if s == e { return }
    // Only spaces: null in a typed column (a blank cell), text in a string column.
    if p[s] == 32, trim(p, s, e).0 == e { return }
    nonNull += 1
    guard canInt || canNumber || canBool || canTime else { return }
    if canInt, parseInt(p, s, e) == nil { canInt = false }
    if !canInt, canNumber, parseDouble(p, s, e) == nil { canNumber = false }
    if canBool, parseBool(p, s, e) == nil { canBool = false }
    if canTime, trimmedTime(p, s, e) == nil { canTime = false }
  }

  var type: ValueType {
    if nonNull == 0 { return .string }
    if canInt { return .int }
    if canNumber { return .number }
    if canBool { return .bool }
    if canTime { return .time }
    return .string
  }
}

/// Builds one typed column from field bytes, once its type is known.
struct ColumnBuilder {
  let type: ValueType
  let zone: Zone
  var ints: [Int64] = []
  var numbers: [Double] = []
  var bools: [Bool] = []
  var codes: [Int32] = []
  var strings = ByteDictionary()
  var dictionary: [String] { strings.strings }
  var valid: [Bool] = []
  var anyNull = false

  init(type: ValueType, zone: Zone, capacity: Int) {
    self.type = type
    self.zone = zone
    valid.reserveCapacity(capacity)
    switch type {
    case .int, .time, .duration: ints.reserveCapacity(capacity)
    case .number: numbers.reserveCapacity(capacity)
    case .string: codes.reserveCapacity(capacity)
    default: break
    }
  }

  mutating func appendNull() {
    anyNull = true
    valid.append(false)
    switch type {
    case .int, .time, .duration: ints.append(0)
    case .number: numbers.append(0)
    case .bool: bools.append(false)
    case .string, .null: codes.append(0)
    }
  }

  /// Appends a field's value. In a typed column a field that does not parse is one of only
  /// spaces (inference saw every other), and is null.
  mutating func append(_ p: UnsafeBufferPointer<UInt8>, _ s: Int, _ e: Int) {
    if s == e { return appendNull() }
    switch type {
    case .int:
      guard let v = parseInt(p, s, e) else { return appendNull() }
      ints.append(v)
    case .number:
      guard let v = parseDouble(p, s, e) else { return appendNull() }
      numbers.append(v)
    case .bool:
      guard let v = parseBool(p, s, e) else { return appendNull() }
      bools.append(v)
    case .time:
      guard let v = trimmedTime(p, s, e) else { return appendNull() }
      ints.append(zone.instant(v))
    case .string, .null, .duration: codes.append(strings.code(p, s, e))
    }
    valid.append(true)
  }

  mutating func appendString(_ str: String) {
    var s = str
    s.withUTF8 { codes.append(strings.code($0, 0, $0.count)) }
  }

  /// Appends a boxed value (row-by-row evaluation, constants).
  mutating func append(_ v: Value) {
    if v.isNull { return appendNull() }
    valid.append(true)
    switch (type, v) {
    case (.int, .int(let x)), (.time, .time(let x)), (.duration, .duration(let x)): ints.append(x)
    case (.int, _), (.time, _), (.duration, _): ints.append(v.double.flatMap { Int64(exactly: $0.rounded()) } ?? 0)
    case (.number, _): numbers.append(v.double ?? 0)
    case (.bool, .bool(let b)): bools.append(b)
    case (.bool, _): bools.append(false)
    case (.string, .string(let s)), (.null, .string(let s)): appendString(s)
    case (.string, _), (.null, _): appendString(v.description)
    }
  }

  func finish() -> Vector {
    let data: ColumnData
    switch type {
    case .int: data = .int(ints)
    case .number: data = .number(numbers)
    case .bool: data = .bool(Bitmap(bools))
    case .time: data = .time(ints)
    case .duration: data = .duration(ints)
    case .string, .null: data = .string(codes: codes, dictionary: dictionary)
    }
    return Vector(type: type == .null ? .string : type, data: data, valid: anyNull ? Bitmap(valid) : nil)
  }
}

/// Dictionary codes for strings, keyed by their UTF-8 bytes (so equal means the same code
/// points, with no normalization); a Swift `String` is made once per distinct value.
struct ByteDictionary {
  private(set) var strings: [String] = []
  private var arena: [UInt8] = []
  private var starts: [Int] = [0]
  private var hashes: [UInt64] = []
  private var slots = [Int32](repeating: -1, count: 64)

  @inline(__always) private static func hash(_ p: UnsafeBufferPointer<UInt8>, _ s: Int, _ e: Int) -> UInt64 {
    var h: UInt64 = 0xcbf2_9ce4_8422_2325  // FNV-1a
    for i in s..<e { h = (h ^ UInt64(p[i])) &* 0x100_0000_01b3 }
    return h
  }

  /// The code of the string in `p[s..<e]`, adding it when new.
  mutating func code(_ p: UnsafeBufferPointer<UInt8>, _ s: Int, _ e: Int) -> Int32 {
    let h = ByteDictionary.hash(p, s, e)
    let mask = slots.count - 1
    var i = Int(truncatingIfNeeded: h) & mask
    while true {
      let c = slots[i]
      if c < 0 { break }
      let k = Int(c)
      if hashes[k] == h, starts[k + 1] - starts[k] == e - s,
        arena.withUnsafeBufferPointer({ a in memcmp(a.baseAddress! + starts[k], p.baseAddress! + s, e - s) == 0 })
      {
        return c
      }
      i = (i + 1) & mask
    }
    let c = Int32(strings.count)
    strings.append(String(decoding: UnsafeBufferPointer(rebasing: p[s..<e]), as: UTF8.self))
    arena.append(contentsOf: UnsafeBufferPointer(rebasing: p[s..<e]))
    starts.append(arena.count)
    hashes.append(h)
    slots[i] = c
    if strings.count * 2 > slots.count { grow() }
    return c
  }

  private mutating func grow() {
    slots = [Int32](repeating: -1, count: slots.count * 2)
    let mask = slots.count - 1
    for (k, h) in hashes.enumerated() {
      var i = Int(truncatingIfNeeded: h) & mask
      while slots[i] >= 0 { i = (i + 1) & mask }
      slots[i] = Int32(k)
    }
  }
}

/// RFC 4180 CSV (and TSV) over a byte buffer.
struct CSVReader {
  let path: String
  let bytes: Data
  let delimiter: UInt8
  let zone: Zone

  func read(name: String) throws -> Dataset {
    try bytes.withUnsafeBytes { raw -> Dataset in
      let p = raw.bindMemory(to: UInt8.self)
      var start = 0
      if p.count >= 3, p[0] == 0xEF, p[1] == 0xBB, p[2] == 0xBF { start = 3 }
      if let bad = firstInvalidUTF8(p, from: start) {
        let (line, col) = lineAndColumn(p, bad)
        throw TallyError(.dataError(Message.badUTF8, file: path, line: line, column: col, notes: ["save the file as UTF-8"]))
      }
      if let base = p.baseAddress, let hit = memchr(base, 0, p.count) {
        let (line, col) = lineAndColumn(p, UnsafeRawPointer(hit) - UnsafeRawPointer(base))
        throw TallyError(.dataError(Message.nulByte, file: path, line: line, column: col, notes: ["export the data as CSV text"]))
      }
      // Header.
      var header = HeaderSink()
      let afterHeader = try scan(p, from: start, line: 1, columns: nil, sink: &header, limit: 1)
      guard !header.names.isEmpty, !(header.names.count == 1 && header.names[0].isEmpty) else {
        throw TallyError(.dataError(Message.emptyFile, file: path, line: 1))
      }
      var seen = Set<String>()
      for (i, n) in header.names.enumerated() {
        if n.isEmpty {
          throw TallyError(.dataError(Message.emptyHeader, file: path, line: 1, notes: ["name column \(i + 1) in the header row"]))
        }
        if !seen.insert(n).inserted { throw TallyError(.dataError(Message.duplicateHeader(n), file: path, line: 1)) }
      }
      let columns = header.names.count
      // Pass 1: structure and types.
      var infer = InferSink(inferrers: [TypeInferrer](repeating: TypeInferrer(), count: columns))
      _ = try scan(p, from: afterHeader.offset, line: afterHeader.line, columns: columns, sink: &infer, limit: nil)
      // Pass 2: typed buffers.
      var build = BuildSink(builders: infer.inferrers.map { ColumnBuilder(type: $0.type, zone: zone, capacity: infer.rows) })
      _ = try scan(p, from: afterHeader.offset, line: afterHeader.line, columns: columns, sink: &build, limit: nil)
      let cols = zip(header.names, build.builders).map { Column(name: $0, vector: $1.finish()) }
      return Dataset(name: name, path: path, columns: cols, rowCount: infer.rows)
    }
  }

  /// Scans records from `offset`, checking field counts against `columns` (when given).
  /// Returns where it stopped. Blank lines between records are skipped when there are several columns.
  func scan<S: FieldSink>(
    _ p: UnsafeBufferPointer<UInt8>, from offset: Int, line startLine: Int, columns: Int?, sink: inout S, limit: Int?
  ) throws -> (offset: Int, line: Int) {
    let n = p.count
    let d = delimiter
    var i = offset
    var line = startLine
    var records = 0
    var scratch: [UInt8] = []
    while i < n {
      if let limit, records >= limit { break }
      let recordLine = line
      if (columns ?? 2) > 1 {
        if p[i] == 10 {
          i += 1
          line += 1
          continue
        }
        if p[i] == 13 {  // CRLF, or a lone CR (classic Mac line ends)
          i += i + 1 < n && p[i + 1] == 10 ? 2 : 1
          line += 1
          continue
        }
      }
      var col = 0
      while true {
        if i < n, p[i] == 34 {  // quoted field
          let quoteLine = line
          i += 1
          let fs = i
          var escaped = false
          var fe = -1
          while i < n {
            let c = p[i]
            if c == 34 {
              if i + 1 < n, p[i + 1] == 34 {
                escaped = true
                i += 2
                continue
              }
              fe = i
              i += 1
              break
            }
            if c == 10 || (c == 13 && (i + 1 == n || p[i + 1] != 10)) { line += 1 }
            i += 1
          }
          if fe < 0 {
            throw TallyError(
              .dataError(
                Message.unterminatedQuote, file: path, line: quoteLine, column: lineAndColumn(p, fs - 1).column,
                notes: ["the quote opens field \(col + 1) of the record at line \(recordLine)"]))
          }
          if i < n, p[i] != d, p[i] != 10, p[i] != 13 {
            throw TallyError(
              .dataError(
                Message.textAfterClosingQuote(col + 1), file: path, line: line,
                column: lineAndColumn(p, i).column,
                notes: ["quote the whole field and double any quote inside it"]))
          }
          if columns == nil || col < columns! {
            if escaped {
              scratch.removeAll(keepingCapacity: true)
              var k = fs
              while k < fe {
                scratch.append(p[k])
                k += p[k] == 34 ? 2 : 1
              }
              scratch.withUnsafeBufferPointer { sink.field(col, $0, 0, $0.count, escaped: true) }
            } else {
              sink.field(col, p, fs, fe, escaped: false)
            }
          }
        } else {
          let fs = i
          while i < n {
            let c = p[i]
            if c == d || c == 10 { break }
            if c == 13 { break }
            i += 1
          }
          if columns == nil || col < columns! { sink.field(col, p, fs, i, escaped: false) }
        }
        col += 1
        if i < n, p[i] == d {
          i += 1
          continue
        }
        if i < n, p[i] == 13 { i += 1 }
        if i < n, p[i] == 10 { i += 1 }
        line += 1
        break
      }
      if let columns, col != columns {
        throw TallyError(
          .dataError(
            Message.fieldCount(col, columns), file: path, line: recordLine,
            notes: [col > columns ? "quote fields that contain '\(d == 9 ? "\\t" : ",")'" : "add the missing fields (empty for null)"]))
      }
      sink.endRecord()
      records += 1
      if records & 0xFFFF == 0 { try Interruption.check() }
    }
    return (i, line)
  }

}

/// The line (after LF, CRLF or a lone CR) and the column (in characters, from 1) of a byte
/// offset in a data file, as diagnostics show them. Used only to report an error.
func lineAndColumn(_ p: UnsafeBufferPointer<UInt8>, _ offset: Int) -> (line: Int, column: Int) {
  var line = 1
  var lineStart = 0
  var k = 0
  let end = min(offset, p.count)
  while k < end {
    if p[k] == 10 || (p[k] == 13 && (k + 1 >= p.count || p[k + 1] != 10)) {
      line += 1
      lineStart = k + 1
    }
    k += 1
  }
  if line == 1, p.count >= 3, p[0] == 0xEF, p[1] == 0xBB, p[2] == 0xBF { lineStart = min(3, end) }
  let prefix = String(decoding: UnsafeBufferPointer(rebasing: p[lineStart..<end]), as: UTF8.self)
  return (line, prefix.count + 1)
}

struct HeaderSink: FieldSink {
  var names: [String] = []
  mutating func field(_ column: Int, _ p: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, escaped: Bool) {
    names.append(String(decoding: UnsafeBufferPointer(rebasing: p[start..<end]), as: UTF8.self).trimmingCharacters(in: .whitespaces))
  }
  mutating func endRecord() {}
}

struct InferSink: FieldSink {
  var inferrers: [TypeInferrer]
  var rows = 0
  mutating func field(_ column: Int, _ p: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, escaped: Bool) {
    inferrers[column].observe(p, start, end)
  }
  mutating func endRecord() { rows += 1 }
}

struct BuildSink: FieldSink {
  var builders: [ColumnBuilder]
  mutating func field(_ column: Int, _ p: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, escaped: Bool) {
    builders[column].append(p, start, end)
  }
  mutating func endRecord() {}
}

/// The offset of the first byte that is not valid UTF-8, if any.
func firstInvalidUTF8(_ p: UnsafeBufferPointer<UInt8>, from start: Int) -> Int? {
  var i = start
  let n = p.count
  while i < n {
    // Eight ASCII bytes at a time.
    if i + 8 <= n, UnsafeRawPointer(p.baseAddress! + i).loadUnaligned(as: UInt64.self) & 0x8080_8080_8080_8080 == 0 {
      i += 8
      continue
    }
    let c = p[i]
    if c < 0x80 {
      i += 1
      continue
    }
    var need = 0
    var minValue: UInt32 = 0
    var v: UInt32
    if c & 0xE0 == 0xC0 {
      need = 1
      v = UInt32(c & 0x1F)
      minValue = 0x80
    } else if c & 0xF0 == 0xE0 {
      need = 2
      v = UInt32(c & 0x0F)
      minValue = 0x800
    } else if c & 0xF8 == 0xF0 {
      need = 3
      v = UInt32(c & 0x07)
      minValue = 0x10000
    } else {
      return i
    }
    for k in 1...need {
      guard i + k < n, p[i + k] & 0xC0 == 0x80 else { return i }
      v = v << 6 | UInt32(p[i + k] & 0x3F)
    }
    if v < minValue || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF) { return i }
    i += need + 1
  }
  return nil
}

@inline(__always) func trim(_ p: UnsafeBufferPointer<UInt8>, _ s0: Int, _ e0: Int) -> (Int, Int) {
  var s = s0
  var e = e0
  while s < e, p[s] == 32 { s += 1 }
  while e > s, p[e - 1] == 32 { e -= 1 }
  return (s, e)
}

/// An integer: optional sign and digits, within Int64.
func parseInt(_ p: UnsafeBufferPointer<UInt8>, _ s0: Int, _ e0: Int) -> Int64? {
  let (s1, e) = trim(p, s0, e0)
  var s = s1
  guard s < e else { return nil }
  var neg = false
  if p[s] == 45 || p[s] == 43 {
    neg = p[s] == 45
    s += 1
  }
  guard s < e, e - s <= 19 else { return nil }
  // Accumulated negatively, so that the smallest Int64 (whose magnitude has no positive) fits.
  var v: Int64 = 0
  for k in s..<e {
    let c = p[k]
    guard c >= 48 && c <= 57 else { return nil }
    let (m, o1) = v.multipliedReportingOverflow(by: 10)
    let (a, o2) = m.subtractingReportingOverflow(Int64(c - 48))
    if o1 || o2 { return nil }
    v = a
  }
  if neg { return v }
  return v == .min ? nil : -v
}

private let powersOfTen: [Double] = (0...22).map { pow(10, Double($0)) }

/// A decimal number: sign, digits, optional fraction and exponent. No `inf`, `nan` or hex.
func parseDouble(_ p: UnsafeBufferPointer<UInt8>, _ s0: Int, _ e0: Int) -> Double? {
  let (s1, e) = trim(p, s0, e0)
  var i = s1
  guard i < e else { return nil }
  var neg = false
  if p[i] == 45 || p[i] == 43 {
    neg = p[i] == 45
    i += 1
  }
  var mantissa: UInt64 = 0
  var digits = 0
  var fracDigits = 0
  var anyDigit = false
  while i < e, p[i] >= 48 && p[i] <= 57 {
    if digits < 19 { mantissa = mantissa * 10 + UInt64(p[i] - 48) } else { fracDigits -= 1 }
    if mantissa > 0 { digits += 1 }
    anyDigit = true
    i += 1
  }
  if i < e, p[i] == 46 {
    i += 1
    while i < e, p[i] >= 48 && p[i] <= 57 {
      if digits < 19 {
        mantissa = mantissa * 10 + UInt64(p[i] - 48)
        fracDigits += 1
        if mantissa > 0 { digits += 1 }
      }
      anyDigit = true
      i += 1
    }
  }
  guard anyDigit else { return nil }
  var exp = 0
  if i < e, p[i] == 101 || p[i] == 69 {
    i += 1
    var eneg = false
    if i < e, p[i] == 45 || p[i] == 43 {
      eneg = p[i] == 45
      i += 1
    }
    guard i < e else { return nil }
    while i < e, p[i] >= 48 && p[i] <= 57 {
      if exp < 10000 { exp = exp * 10 + Int(p[i] - 48) }
      i += 1
    }
    if eneg { exp = -exp }
  }
  guard i == e else { return nil }
  let e10 = exp - fracDigits
  if digits <= 15, abs(e10) <= 22 {
    var v = Double(mantissa)
    v = e10 < 0 ? v / powersOfTen[-e10] : v * powersOfTen[e10]
    return neg ? -v : v
  }
  let text = String(decoding: UnsafeBufferPointer(rebasing: p[s1..<e]), as: UTF8.self)
  guard let v = Double(text), v.isFinite else { return nil }
  return v
}

/// true/false, yes/no, t/f, y/n in any case, 是/否.
func parseBool(_ p: UnsafeBufferPointer<UInt8>, _ s0: Int, _ e0: Int) -> Bool? {
  let (s, e) = trim(p, s0, e0)
  let n = e - s
  if n == 3, p[s] == 0xE6, p[s + 1] == 0x98, p[s + 2] == 0xAF { return true }  // 是
  if n == 3, p[s] == 0xE5, p[s + 1] == 0x90, p[s + 2] == 0xA6 { return false }  // 否
  guard n >= 1, n <= 5 else { return nil }
  var w: UInt64 = 0
  for k in s..<e {
    var c = p[k]
    if c >= 65 && c <= 90 { c += 32 }
    w = w << 8 | UInt64(c)
  }
  switch w {
  case 0x7472_7565, 0x7965_73, 0x74, 0x79: return true  // true yes t y
  case 0x66_616C_7365, 0x6E6F, 0x66, 0x6E: return false  // false no f n
  default: return nil
  }
}

@inline(__always) func trimmedTime(_ p: UnsafeBufferPointer<UInt8>, _ s0: Int, _ e0: Int) -> TimeText? {
  let (s, e) = trim(p, s0, e0)
  guard e - s >= 10, p[s] >= 48 && p[s] <= 57 else { return nil }
  return parseTimeBytes(p, s, e)
}

/// JSON Lines: one object per line; keys become columns in the order they first appear; values
/// are typed by the same inference as CSV text (JSON numbers and booleans by their text).
enum JSONLinesReader {
  static func read(name: String, path: String, bytes: [UInt8], zone: Zone) throws -> Dataset {
    var start = 0
    if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { start = 3 }
    if let bad = bytes.withUnsafeBufferPointer({ p in firstInvalidUTF8(p, from: start).map { lineAndColumn(p, $0) } }) {
      throw TallyError(.dataError(Message.badUTF8, file: path, line: bad.line, column: bad.column, notes: ["save the file as UTF-8"]))
    }
    var names: [String] = []
    var index: [String: Int] = [:]
    var rows: [[Int: String]] = []
    var line = 0
    var i = start
    while i < bytes.count {
      line += 1
      var j = i
      while j < bytes.count, bytes[j] != 10 { j += 1 }
      let slice = bytes[i..<j]
      i = j + 1
      if slice.allSatisfy({ $0 == 32 || $0 == 9 || $0 == 13 }) { continue }
      let fields: [(String, String?)]
      do {
        fields = try Array(slice).withUnsafeBufferPointer { try JSONObjectScanner.fields($0) }
      } catch let e as JSONObjectScanner.Failure {
        let column = String(decoding: slice.prefix(e.offset), as: UTF8.self).count + 1
        throw TallyError(
          .dataError(
            Message.badJSONLine(e.reason), file: path, line: line, column: column,
            notes: ["each line must hold one JSON object, as {\"id\": 1}"]))
      }
      var row: [Int: String] = [:]
      for (key, text) in fields {
        let k: Int
        if let existing = index[key] {
          k = existing
        } else {
          k = names.count
          names.append(key)
          index[key] = k
        }
        row[k] = text
      }
      rows.append(row)
    }
    if names.isEmpty && rows.isEmpty { throw TallyError(.dataError(Message.emptyJSONLines, file: path, line: 1)) }
    var inferrers = [TypeInferrer](repeating: TypeInferrer(), count: names.count)
    for row in rows {
      for (k, text) in row {
        var t = text
        t.withUTF8 { inferrers[k].observe($0, 0, $0.count) }
      }
    }
    var builders = inferrers.map { ColumnBuilder(type: $0.type, zone: zone, capacity: rows.count) }
    for row in rows {
      for k in 0..<names.count {
        if var t = row[k], !t.isEmpty {
          t.withUTF8 { builders[k].append($0, 0, $0.count) }
        } else {
          builders[k].appendNull()
        }
      }
    }
    let cols = zip(names, builders).map { Column(name: $0, vector: $1.finish()) }
    return Dataset(name: name, path: path, columns: cols, rowCount: rows.count)
  }
}

/// Reads one JSON object's members in order: scalars as text (strings unescaped, numbers and
/// booleans as written, null as nil), nested arrays and objects as their JSON text.
enum JSONObjectScanner {
  struct Failure: Error {
    var reason: String
    var offset: Int
  }

  static func fields(_ p: UnsafeBufferPointer<UInt8>) throws -> [(String, String?)] {
    var i = 0
    let n = p.count
    func fail(_ why: String) -> Failure { Failure(reason: why, offset: min(i, n)) }
    func space() { while i < n, p[i] == 32 || p[i] == 9 || p[i] == 13 { i += 1 } }
    func string() throws -> String {
      guard i < n, p[i] == 34 else { throw fail("expected a string") }
      let open = i
      i += 1
      var out: [UInt8] = []
      while i < n, p[i] != 34 {
        if p[i] == 92 {
          i += 1
          guard i < n else { break }
          switch p[i] {
          case 110: out.append(10)
          case 116: out.append(9)
          case 114: out.append(13)
          case 98: out.append(8)
          case 102: out.append(12)
          case 117:
            func hex4() throws -> UInt32 {
              guard i + 4 < n,
                let v = UInt32(String(decoding: UnsafeBufferPointer(rebasing: p[(i + 1)...(i + 4)]), as: UTF8.self), radix: 16)
              else { throw fail("bad \\u escape") }
              i += 4
              return v
            }
            var v = try hex4()
            if v >= 0xD800 && v < 0xDC00, i + 2 < n, p[i + 1] == 92, p[i + 2] == 117 {
              i += 2
              let lo = try hex4()
              v = 0x10000 + ((v - 0xD800) << 10) + (lo &- 0xDC00)
            }
            out += Array(String(Unicode.Scalar(v).map(Character.init) ?? "\u{FFFD}").utf8)
          default: out.append(p[i])  // \" \\ \/
          }
          i += 1
        } else {
          out.append(p[i])
          i += 1
        }
      }
      guard i < n else { throw Failure(reason: "unterminated string", offset: open) }
      i += 1
      return String(decoding: out, as: UTF8.self)
    }
    func value() throws -> String? {
      space()
      guard i < n else { throw fail("expected a value") }
      switch p[i] {
      case 34: return try string()
      case 123, 91:  // nested: keep the JSON text
        let start = i
        var depth = 0
        var inString = false
        while i < n {
          let c = p[i]
          if inString {
            if c == 92 { i += 1 } else if c == 34 { inString = false }
          } else if c == 34 {
            inString = true
          } else if c == 123 || c == 91 {
            depth += 1
          } else if c == 125 || c == 93 {
            depth -= 1
            if depth == 0 {
              i += 1
              return String(decoding: UnsafeBufferPointer(rebasing: p[start..<i]), as: UTF8.self)
            }
          }
          i += 1
        }
        throw fail("unclosed array or object")
      default:
        let start = i
        while i < n, p[i] != 44, p[i] != 125, p[i] != 32, p[i] != 9, p[i] != 13 { i += 1 }
        let word = String(decoding: UnsafeBufferPointer(rebasing: p[start..<i]), as: UTF8.self)
        if word == "null" { return nil }
        if word == "true" || word == "false" { return word }
        guard word.first.map({ $0 == "-" || $0.isNumber }) == true, Double(word) != nil else {
          i = start
          throw fail("unexpected '\(word.prefix(20))'")
        }
        return word
      }
    }
    space()
    guard i < n, p[i] == 123 else { throw fail("not an object") }
    i += 1
    var out: [(String, String?)] = []
    space()
    if i < n, p[i] == 125 {
      i += 1
    } else {
      while true {
        space()
        let key = try string()
        space()
        guard i < n, p[i] == 58 else { throw fail("expected ':'") }
        i += 1
        out.append((key, try value()))
        space()
        guard i < n else { throw fail("unclosed object") }
        if p[i] == 44 {
          i += 1
          continue
        }
        guard p[i] == 125 else { throw fail("expected ',' or '}'") }
        i += 1
        break
      }
    }
    space()
    guard i == n else { throw fail("text after the object") }
    return out
  }
}
