//! Listening sockets, and the hand-over between an old and a new node on the same ports.
//! With `reuse_port`, a new node binds the ports the old one holds (`SO_REUSEPORT`) and steers
//! every new connection to its own socket (a one-instruction classic BPF program on the port's
//! socket group: "the second socket"); the old node then accepts only what was already queued
//! for it, and closes. No connection is queued on a socket that is about to close, so none is
//! reset.

use std::net::{SocketAddr, UdpSocket};
use std::os::fd::AsRawFd;

use socket2::{Domain, Protocol, Socket, Type};

/// Binds a TCP listener; with `reuse_port`, as a member of the port's hand-over group.
pub fn bind_tcp(addr: SocketAddr, reuse_port: bool) -> std::io::Result<std::net::TcpListener> {
    let socket = Socket::new(Domain::for_address(addr), Type::STREAM, Some(Protocol::TCP))?;
    socket.set_reuse_address(true)?;
    if reuse_port {
        socket.set_reuse_port(true)?;
    }
    socket.bind(&addr.into())?;
    socket.listen(1024)?;
    if reuse_port {
        if let Err(e) = steer_to_newest(&socket) {
            // The hand-over still works; a connection may meet the old socket as it closes.
            tracing::warn!(%addr, "cannot steer new connections to this node: {e}");
        }
    }
    Ok(socket.into())
}

/// Binds a UDP socket (for QUIC). With `reuse_port` the new node shares the port; QUIC
/// connections of the old node may be cut when it joins (their packets can hash to it).
pub fn bind_udp(addr: SocketAddr, reuse_port: bool) -> std::io::Result<UdpSocket> {
    let socket = Socket::new(Domain::for_address(addr), Type::DGRAM, Some(Protocol::UDP))?;
    if reuse_port {
        socket.set_reuse_port(true)?;
    }
    socket.bind(&addr.into())?;
    Ok(socket.into())
}

/// Sends the group's new connections to its second socket: the one a new node just added
/// beside the old one. With a single socket the index is out of range and the kernel falls
/// back to its hash, that is, to the only socket.
fn steer_to_newest(socket: &Socket) -> std::io::Result<()> {
    let mut program = [libc::sock_filter {
        code: (libc::BPF_RET | libc::BPF_K) as u16,
        jt: 0,
        jf: 0,
        k: 1,
    }];
    let fprog = libc::sock_fprog {
        len: program.len() as u16,
        filter: program.as_mut_ptr(),
    };
    // SAFETY: `fprog` points at `program`, both alive for the call; the kernel copies the
    // program and keeps no pointer to it.
    let rc = unsafe {
        libc::setsockopt(
            socket.as_raw_fd(),
            libc::SOL_SOCKET,
            libc::SO_ATTACH_REUSEPORT_CBPF,
            (&fprog as *const libc::sock_fprog).cast(),
            std::mem::size_of::<libc::sock_fprog>() as libc::socklen_t,
        )
    };
    if rc == 0 {
        Ok(())
    } else {
        Err(std::io::Error::last_os_error())
    }
}
