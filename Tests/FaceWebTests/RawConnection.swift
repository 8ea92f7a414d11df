import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A plain TCP connection, for what HTTP clients will not send: headers cut off midway, a chunked body
/// that stalls.
final class RawConnection: @unchecked Sendable {
    private let socketFD: Int32

    /// Connects to the first address of `host` that accepts.
    init(host: String, port: Int) throws {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, String(port), &hints, &list) == 0, let first = list else {
            throw TestFailure("cannot resolve \(host)")
        }
        defer { freeaddrinfo(list) }
        var entry: UnsafeMutablePointer<addrinfo>? = first
        while let info = entry {
            let candidate = socket(info.pointee.ai_family, info.pointee.ai_socktype, info.pointee.ai_protocol)
            if candidate >= 0, connect(candidate, info.pointee.ai_addr, info.pointee.ai_addrlen) == 0 {
                socketFD = candidate
                return
            }
            if candidate >= 0 { close(candidate) }
            entry = info.pointee.ai_next
        }
        throw TestFailure("cannot connect to \(host):\(port)")
    }

    func send(_ text: String) throws {
        let bytes = Array(text.utf8)
        let sent = bytes.withUnsafeBytes { Glibc.send(socketFD, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        guard sent == bytes.count else { throw TestFailure("send failed (errno \(errno))") }
    }

    /// Reads until the server closes the connection, `until` appears in what was read, or `timeout`
    /// passes; `closed` says whether the server closed it.
    func read(until marker: String? = nil, timeout: TimeInterval) -> (text: String, closed: Bool) {
        var received = Data()
        let deadline = Date().addingTimeInterval(timeout)
        var buffer = [UInt8](repeating: 0, count: 4096)
        while Date() < deadline {
            var descriptor = pollfd(fd: socketFD, events: Int16(POLLIN), revents: 0)
            let ready = poll(&descriptor, 1, Int32(max(1, deadline.timeIntervalSinceNow * 1000)))
            guard ready > 0 else { continue }
            let count = recv(socketFD, &buffer, buffer.count, 0)
            if count <= 0 { return (String(decoding: received, as: UTF8.self), true) }
            received.append(contentsOf: buffer[0..<count])
            if let marker, String(decoding: received, as: UTF8.self).contains(marker) { break }
        }
        return (String(decoding: received, as: UTF8.self), false)
    }

    deinit { close(socketFD) }
}
