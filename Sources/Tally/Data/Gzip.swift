import CZlib
import Foundation

extension DataLoader {
  /// Decompresses gzip data (several members are read one after the other).
  static func gunzip(_ input: [UInt8], file: String, limit: Int = .max) throws -> [UInt8] {
    var out: [UInt8] = []
    out.reserveCapacity(min(limit, input.count * 4))
    var stream = z_stream()
    guard inflateInit2_(&stream, 15 + 32, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
      throw TallyError(.dataError(DataMessage.gzip("zlib failed to start"), file: file))
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
        try Interruption.check()
        if out.count >= limit { return }
        if status == Z_STREAM_END {
          if stream.avail_in == 0 { return }
          inflateReset(&stream)
          continue
        }
        if status == Z_BUF_ERROR && stream.avail_in == 0 {
          throw TallyError(.dataError(DataMessage.gzip("the file ends in the middle of the compressed data"), file: file))
        }
        if status != Z_OK {
          let why = stream.msg.map { String(cString: $0) } ?? "corrupt data"
          throw TallyError(.dataError(DataMessage.gzip(why), file: file))
        }
      }
    }
    return out
  }
}
