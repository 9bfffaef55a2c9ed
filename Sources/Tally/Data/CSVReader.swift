import Foundation

/// RFC 4180 CSV (and TSV) over a byte buffer.
struct CSVReader {
  let path: String
  let bytes: Data
  let delimiter: UInt8
  let zone: Zone
  /// Pass 2 reads parts of at least this many rows, one per thread (of `threads`), in parallel.
  var partRows = 200_000
  var threads = ProcessInfo.processInfo.activeProcessorCount

  /// The file as a dataset; with `keeping`, of only the columns so named.
  func read(name: String, keeping: Set<String>? = nil) throws -> Dataset {
    try bytes.withUnsafeBytes { raw -> Dataset in
      let p = raw.bindMemory(to: UInt8.self)
      var start = 0
      if p.count >= 3, p[0] == 0xEF, p[1] == 0xBB, p[2] == 0xBF { start = 3 }
      if let bad = firstInvalidUTF8(p, from: start) {
        let (line, col) = lineAndColumn(p, bad)
        throw TallyError(.dataError(DataMessage.badUTF8, file: path, line: line, column: col, notes: ["save the file as UTF-8"]))
      }
      if let base = p.baseAddress, let hit = memchr(base, 0, p.count) {
        let (line, col) = lineAndColumn(p, UnsafeRawPointer(hit) - UnsafeRawPointer(base))
        throw TallyError(.dataError(DataMessage.nulByte, file: path, line: line, column: col, notes: ["export the data as CSV text"]))
      }
      // Header.
      var header = HeaderSink()
      let afterHeader = try scan(p, from: start, line: 1, columns: nil, sink: &header, limit: 1)
      guard !header.names.isEmpty, !(header.names.count == 1 && header.names[0].isEmpty) else {
        throw TallyError(.dataError(DataMessage.emptyFile, file: path, line: 1))
      }
      var seen = Set<String>()
      for (i, n) in header.names.enumerated() {
        if n.isEmpty {
          throw TallyError(.dataError(DataMessage.emptyHeader, file: path, line: 1, notes: ["name column \(i + 1) in the header row"]))
        }
        if !seen.insert(n).inserted { throw TallyError(.dataError(DataMessage.duplicateHeader(n), file: path, line: 1)) }
      }
      let columns = header.names.count
      // The slot of each column kept (-1 for one left out).
      var slots = [Int](repeating: -1, count: columns)
      var kept: [String] = []
      for (i, n) in header.names.enumerated() where keeping?.contains(n) ?? true {
        slots[i] = kept.count
        kept.append(n)
      }
      // Pass 1: structure and types.
      var infer = InferSink(inferrers: [TypeInferrer](repeating: TypeInferrer(), count: kept.count), slots: slots)
      infer.markEvery = max(1, min(16384, partRows / 4))
      _ = try scan(p, from: afterHeader.offset, line: afterHeader.line, columns: columns, sink: &infer, limit: nil)
      // Pass 2: typed buffers, in parts read in parallel from the records pass 1 marked.
      let types = infer.inferrers.map(\.type)
      let parts =
        infer.marks.isEmpty
        ? [(offset: afterHeader.offset, line: afterHeader.line, rows: 0)]
        : Self.parts(infer.marks, rows: infer.rows, threads: threads, partRows: partRows)
      let built = Parts<BuildSink>(count: parts.count)
      let bytes = Shared(p)
      let slotOf = slots
      DispatchQueue.concurrentPerform(iterations: parts.count) { k in
        let part = parts[k]
        var sink = BuildSink(builders: types.map { ColumnBuilder(type: $0, zone: zone, capacity: part.rows) }, slots: slotOf)
        built.set(k) {
          _ = try scan(bytes.value, from: part.offset, line: part.line, columns: columns, sink: &sink, limit: part.rows)
          return sink
        }
      }
      var build = try built.get(0)
      for k in 1..<max(1, parts.count) {
        let part = try built.get(k)
        for c in build.builders.indices { build.builders[c].values.append(contentsOf: part.builders[c].values) }
      }
      let cols = zip(kept, zip(build.builders, infer.inferrers)).map { name, b in
        Column(name: name, vector: b.0.finish(), textOrigin: b.0.type == .string ? b.1.textAt : nil)
      }
      var ds = Dataset(name: name, path: path, columns: cols, rowCount: infer.rows)
      ds.rowLines = infer.lines
      ds.unreadColumns = zip(header.names, slots).filter { $0.1 < 0 }.map(\.0)
      return ds
    }
  }

  /// Where pass 2's parts start: about equal numbers of rows, one part per thread, for files
  /// big enough to gain from it. `marks` are records pass 1 noted, from the first (at least one).
  static func parts(_ marks: [RecordMark], rows: Int, threads: Int, partRows: Int) -> [(offset: Int, line: Int, rows: Int)] {
    let count = max(1, min(threads, rows / partRows, marks.count))
    var starts: [RecordMark] = []
    for k in 0..<count {
      let want = rows * k / count
      // The last mark at or before the part's share.
      var m = marks.last { $0.row <= want } ?? marks[0]
      if let last = starts.last, m.row <= last.row { m = last }
      if starts.last?.row != m.row { starts.append(m) }
    }
    return starts.enumerated().map { k, m in
      (m.offset, m.line, (k + 1 < starts.count ? starts[k + 1].row : rows) - m.row)
    }
  }

  /// Scans records from `offset`, checking field counts against `columns` (when given).
  /// Returns where it stopped. Blank lines between records are skipped when there are several columns.
  func scan<S: FieldSink>(
    _ p: UnsafeBufferPointer<UInt8>, from offset: Int, line startLine: Int, columns: Int?, sink: inout S, limit: Int?
  ) throws -> (offset: Int, line: Int) {
    let n = p.count
    var i = offset
    var line = startLine
    var records = 0
    var scratch: [UInt8] = []
    while i < n {
      if let limit, records >= limit { break }
      if (columns ?? 2) > 1, let next = Self.blankLine(p, i) {
        i = next
        line += 1
        continue
      }
      let recordLine = line
      sink.startRecord(line: recordLine, offset: i)
      var col = 0
      while true {
        if i < n, p[i] == 34 {
          try quotedField(p, &i, &line, field: col, record: recordLine, columns: columns, sink: &sink, scratch: &scratch)
        } else {
          let fs = i
          while i < n {
            let c = p[i]
            if c == delimiter || c == 10 || c == 13 { break }
            i += 1
          }
          if columns == nil || col < columns! { sink.field(col, p, fs, i, escaped: false) }
        }
        col += 1
        if i < n, p[i] == delimiter {
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
            DataMessage.fieldCount(col, header: columns), file: path, line: recordLine,
            notes: [
              col > columns ? "quote fields that contain '\(delimiter == 9 ? "\\t" : ",")'" : "add the missing fields (empty for null)"
            ]))
      }
      sink.endRecord()
      records += 1
      if records & 0xFFFF == 0 { try Interruption.check() }
    }
    return (i, line)
  }

  /// Where the line after a blank line at `i` starts (LF, CRLF, or a lone CR as classic Mac
  /// files end lines), or nil when the line at `i` is not blank.
  @inline(__always) static func blankLine(_ p: UnsafeBufferPointer<UInt8>, _ i: Int) -> Int? {
    if p[i] == 10 { return i + 1 }
    if p[i] == 13 { return i + 1 < p.count && p[i + 1] == 10 ? i + 2 : i + 1 }
    return nil
  }

  /// A quoted field from the quote at `i`: hands its text (doubled quotes undone) to the sink,
  /// and leaves `i` after the closing quote, counting the line breaks inside it.
  @inline(__always) func quotedField<S: FieldSink>(
    _ p: UnsafeBufferPointer<UInt8>, _ i: inout Int, _ line: inout Int, field col: Int, record recordLine: Int, columns: Int?,
    sink: inout S, scratch: inout [UInt8]
  ) throws {
    let n = p.count
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
          DataMessage.unterminatedQuote, file: path, line: quoteLine, column: lineAndColumn(p, fs - 1).column,
          notes: ["the quote opens field \(col + 1) of the record at line \(recordLine)"]))
    }
    if i < n, p[i] != delimiter, p[i] != 10, p[i] != 13 {
      throw TallyError(
        .dataError(
          DataMessage.textAfterClosingQuote(field: col + 1), file: path, line: line, column: lineAndColumn(p, i).column,
          notes: ["quote the whole field and double any quote inside it"]))
    }
    guard columns == nil || col < columns! else { return }
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

/// A value handed to the threads that read parts of one file, which only read it.
struct Shared<T>: @unchecked Sendable {
  let value: T
  init(_ value: T) { self.value = value }
}

/// What each part gives, written by the thread that reads it (each its own slot) and read
/// once they are all done.
final class Parts<T>: @unchecked Sendable {
  private let slots: UnsafeMutablePointer<Result<T, any Error>?>
  let count: Int

  init(count: Int) {
    self.count = count
    slots = .allocate(capacity: count)
    slots.initialize(repeating: nil, count: count)
  }

  deinit {
    slots.deinitialize(count: count)
    slots.deallocate()
  }

  func set(_ k: Int, _ body: () throws -> T) { slots[k] = Result(catching: body) }

  func get(_ k: Int) throws -> T {
    guard let r = slots[k] else { throw TallyError([]) }
    return try r.get()
  }
}
