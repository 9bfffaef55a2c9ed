import Foundation

/// Typed columns kept between runs, so that a second run over unchanged files reads binary
/// columns instead of parsing text: one file per data file and zone, in `.tally-cache/` next
/// to the data (or in one directory). An entry is used only when the data file has the size,
/// the modification time and the first and last 64 KiB it had, the entry was written by this
/// version of the format, and it holds every column asked for; else the file is read as text
/// and the entry written again. The cache never changes an answer: a cache that cannot be
/// read or written is as if there were none.
public struct ColumnCache: Sendable {
  /// Where entries go; nil for `.tally-cache/` next to each data file.
  public var directory: String?

  /// A cache in `directory`, or next to the data.
  public init(directory: String? = nil) {
    self.directory = directory
  }

  static let magic = Array("TALLYCC2".utf8)

  /// The dataset of `path` read in `zone`, when an entry holds it with every column `named`
  /// can name (all columns when nil); `identity` is the file's now (`identity(of:zone:)`).
  func load(name: String, path: String, zone: Zone, named: Set<String>?, identity: [UInt8]) -> Dataset? {
    guard let entry = entryPath(path, zone: zone),
      let data = try? Data(contentsOf: URL(fileURLWithPath: entry), options: .alwaysMapped)
    else { return nil }
    return data.withUnsafeBytes { raw -> Dataset? in
      // The body's hash, last: a bit flipped anywhere is a miss, not a wrong answer.
      guard raw.count >= 8 else { return nil }
      let body = UnsafeRawBufferPointer(rebasing: raw[0..<(raw.count - 8)])
      guard raw.loadUnaligned(fromByteOffset: raw.count - 8, as: UInt64.self) == Self.hash(body).littleEndian else { return nil }
      var r = CacheReader(body)
      guard r.bytes(Self.magic.count) == Self.magic, r.bytes(identity.count) == identity else { return nil }
      guard let rows = r.count(), let columnCount = r.count() else { return nil }
      var columns: [Column] = []
      for _ in 0..<columnCount {
        guard let column = r.column(rows: rows) else { return nil }
        columns.append(column)
      }
      guard let unreadCount = r.count() else { return nil }
      var unread: [String] = []
      for _ in 0..<unreadCount {
        guard let s = r.string() else { return nil }
        unread.append(s)
      }
      // Every column the formulas may name must be there.
      if let named { if unread.contains(where: named.contains) { return nil } } else if !unread.isEmpty { return nil }
      guard let jumpCount = r.count() else { return nil }
      var jumps: [(row: Int, line: Int)] = []
      for _ in 0..<jumpCount {
        guard let row = r.int(), let line = r.int() else { return nil }
        jumps.append((row, line))
      }
      guard let lastRow = r.int(), let lastLine = r.int(), r.atEnd else { return nil }
      var ds = Dataset(name: name, path: path, columns: columns, rowCount: rows)
      ds.rowLines = RowLines(jumps: jumps, last: (lastRow, lastLine))
      ds.unreadColumns = unread
      return ds
    }
  }

  /// Writes the entry of a dataset read from `path` in `zone`; nothing when it cannot, or
  /// when the file is no longer what it was before it was read (`identity`).
  func store(_ ds: Dataset, path: String, zone: Zone, identity before: [UInt8]?) {
    guard let entry = entryPath(path, zone: zone), let identity = Self.identity(of: path, zone: zone), identity == before else { return }
    var w = CacheWriter()
    w.out += Self.magic
    w.out += identity
    w.int(ds.rowCount)
    w.int(ds.columns.count)
    for c in ds.columns { w.column(c) }
    w.int(ds.unreadColumns.count)
    for n in ds.unreadColumns { w.string(n) }
    let (jumps, last) = ds.rowLines.parts
    w.int(jumps.count)
    for j in jumps {
      w.int(j.row)
      w.int(j.line)
    }
    w.int(last.row)
    w.int(last.line)
    let h = w.out.withUnsafeBytes { Self.hash($0) }
    withUnsafeBytes(of: h.littleEndian) { w.out += $0 }
    let dir = Paths.directory(of: entry)
    let temporary = entry + ".\(UUID().uuidString).tmp"
    do {
      try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
      try Data(w.out).write(to: URL(fileURLWithPath: temporary))
      _ = try? FileManager.default.removeItem(atPath: entry)
      try FileManager.default.moveItem(atPath: temporary, toPath: entry)
    } catch {
      try? FileManager.default.removeItem(atPath: temporary)
    }
  }

  /// The entry's path: named after the data file, its full path and the zone.
  func entryPath(_ path: String, zone: Zone) -> String? {
    let full = URL(fileURLWithPath: path).standardizedFileURL.path
    var h: UInt64 = 0xcbf2_9ce4_8422_2325
    for b in (full + "\u{0}" + zone.timeZone.identifier).utf8 { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
    let name = "\(Paths.lastComponent(of: full)).\(String(h, radix: 16)).columns"
    return ((directory ?? (Paths.directory(of: full) + "/.tally-cache")) as NSString).appendingPathComponent(name)
  }

  /// What must not have changed: the file's size, modification time, first and last 64 KiB,
  /// and the zone its times were read in.
  static func identity(of path: String, zone: Zone) -> [UInt8]? {
    var st = stat()
    guard stat(path, &st) == 0, let handle = FileHandle(forReadingAtPath: path) else { return nil }
    defer { try? handle.close() }
    var w = CacheWriter()
    w.int(Int(st.st_size))
    #if canImport(Darwin)
      w.int(Int(st.st_mtimespec.tv_sec))
      w.int(Int(st.st_mtimespec.tv_nsec))
    #else
      w.int(Int(st.st_mtim.tv_sec))
      w.int(Int(st.st_mtim.tv_nsec))
    #endif
    w.string(zone.timeZone.identifier)
    let block: UInt64 = 64 << 10
    let size = UInt64(st.st_size)
    guard let head = try? handle.read(upToCount: Int(min(block, size))) else { return nil }
    var tail = Data()
    if size > block {
      guard (try? handle.seek(toOffset: size - block)) != nil, let t = try? handle.read(upToCount: Int(block)) else { return nil }
      tail = t
    }
    for part in [head, tail] {
      var h: UInt64 = 0xcbf2_9ce4_8422_2325
      for b in part { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
      w.int(Int(bitPattern: UInt(h)))
    }
    return w.out
  }
}

extension ColumnCache {
  /// A hash of bytes, eight at a time.
  static func hash(_ p: UnsafeRawBufferPointer) -> UInt64 {
    var h: UInt64 = 0x9E37_79B9_7F4A_7C15
    var i = 0
    while i + 8 <= p.count {
      h = (h ^ p.loadUnaligned(fromByteOffset: i, as: UInt64.self)) &* 0x100_0000_01b3
      h ^= h >> 29
      i += 8
    }
    while i < p.count {
      h = (h ^ UInt64(p[i])) &* 0x100_0000_01b3
      i += 1
    }
    return h
  }
}

/// Little-endian fields, appended.
private struct CacheWriter {
  var out: [UInt8] = []

  mutating func int(_ v: Int) { withUnsafeBytes(of: Int64(v).littleEndian) { out += $0 } }

  mutating func string(_ s: String) {
    int(s.utf8.count)
    out += s.utf8
  }

  mutating func raw<T>(_ a: [T]) {
    int(a.count)
    a.withUnsafeBytes { out += $0 }
  }

  mutating func column(_ c: Column) {
    string(c.name)
    string(c.vector.type.rawValue)
    if let o = c.textOrigin {
      int(1)
      string(o.value)
      int(o.line)
      int(o.after)
    } else {
      int(0)
    }
    if let valid = c.vector.valid {
      int(1)
      raw(valid.words)
    } else {
      int(0)
    }
    switch c.vector.data {
    case .int(let a), .time(let a), .duration(let a): raw(a)
    case .number(let a): raw(a)
    case .bool(let b): raw(b.words)
    case .string(let codes, let dictionary):
      raw(codes)
      int(dictionary.count)
      for s in dictionary { string(s) }
    }
  }
}

/// Fields read back; nil when the entry ends early or does not hold what it should.
private struct CacheReader {
  let p: UnsafeRawBufferPointer
  var i = 0

  init(_ p: UnsafeRawBufferPointer) { self.p = p }

  var atEnd: Bool { i == p.count }

  mutating func bytes(_ n: Int) -> [UInt8]? {
    guard n >= 0, i + n <= p.count else { return nil }
    defer { i += n }
    return Array(p[i..<(i + n)])
  }

  mutating func int() -> Int? {
    guard i + 8 <= p.count else { return nil }
    defer { i += 8 }
    return Int(Int64(littleEndian: p.loadUnaligned(fromByteOffset: i, as: Int64.self)))
  }

  /// A count: not negative, and not more than the bytes left could hold.
  mutating func count() -> Int? {
    guard let n = int(), n >= 0, n <= p.count - i else { return nil }
    return n
  }

  mutating func string() -> String? {
    guard let n = int(), n >= 0, n <= p.count - i else { return nil }
    defer { i += n }
    return String(decoding: UnsafeRawBufferPointer(rebasing: p[i..<(i + n)]), as: UTF8.self)
  }

  mutating func raw<T>(_: T.Type) -> [T]? {
    guard let n = int(), n >= 0, n <= (p.count - i) / MemoryLayout<T>.stride else { return nil }
    let bytes = n * MemoryLayout<T>.stride
    defer { i += bytes }
    return [T](unsafeUninitializedCapacity: n) { buffer, count in
      if bytes > 0 { UnsafeMutableRawBufferPointer(buffer).copyMemory(from: UnsafeRawBufferPointer(rebasing: p[i..<(i + bytes)])) }
      count = n
    }
  }

  /// Bits past the last row are clear, as a `Bitmap` keeps them.
  static func clearPastEnd(_ words: [UInt64], _ rows: Int) -> Bool {
    guard rows % 64 != 0, let last = words.last else { return true }
    return last & ~((1 << UInt64(rows % 64)) - 1) == 0
  }

  mutating func column(rows: Int) -> Column? {
    guard let name = string(), let typeName = string(), let type = ValueType(rawValue: typeName), let hasOrigin = int() else { return nil }
    var origin: TextOrigin?
    if hasOrigin == 1 {
      guard let value = string(), let line = int(), let after = int() else { return nil }
      origin = TextOrigin(value: value, line: line, after: after)
    }
    guard let hasValid = int() else { return nil }
    var valid: Bitmap?
    if hasValid == 1 {
      guard let words = raw(UInt64.self), words.count == (rows + 63) / 64, Self.clearPastEnd(words, rows) else { return nil }
      valid = Bitmap(words: words, count: rows)
    }
    let data: ColumnData
    switch type {
    case .int, .time, .duration:
      guard let a = raw(Int64.self), a.count == rows else { return nil }
      data = type == .int ? .int(a) : type == .time ? .time(a) : .duration(a)
    case .number:
      guard let a = raw(Double.self), a.count == rows else { return nil }
      data = .number(a)
    case .bool:
      guard let words = raw(UInt64.self), words.count == (rows + 63) / 64, Self.clearPastEnd(words, rows) else { return nil }
      data = .bool(Bitmap(words: words, count: rows))
    case .string, .null:
      guard let codes = raw(Int32.self), codes.count == rows, let n = count() else { return nil }
      var dictionary: [String] = []
      dictionary.reserveCapacity(n)
      for _ in 0..<n {
        guard let s = string() else { return nil }
        dictionary.append(s)
      }
      // Every code names a string; with none, every row is null.
      guard codes.allSatisfy({ $0 >= 0 && Int($0) < max(n, 1) }), n > 0 || rows == 0 || valid?.popcount == 0 else { return nil }
      data = .string(codes: codes, dictionary: dictionary)
    }
    return Column(name: name, vector: Vector(type: type, data: data, valid: valid), textOrigin: origin)
  }
}
