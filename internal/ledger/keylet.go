package ledger

import "encoding/binary"

// Ledger name spaces from rippled's Indexes.cpp: each key is SHA-512Half of a 16-bit
// space tag followed by the object's identifying fields.
const (
	spaceAccount  = 'a'
	spaceDirNode  = 'd'
	spaceRipple   = 'r'
	spaceOwnerDir = 'O'
	spaceTicket   = 'T'
	spaceFee      = 'e'
)

func space(s uint16) []byte { return []byte{byte(s >> 8), byte(s)} }

// keyAccount is keylet::account.
func keyAccount(a AccountID) Hash { return sha512Half(space(spaceAccount), a[:]) }

// keyOwnerDir is keylet::ownerDir.
func keyOwnerDir(a AccountID) Hash { return sha512Half(space(spaceOwnerDir), a[:]) }

// keyDirPage is keylet::page: page n (n > 0) of the directory rooted at root.
func keyDirPage(root Hash, n uint64) Hash {
	if n == 0 {
		return root
	}
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], n)
	return sha512Half(space(spaceDirNode), root[:], b[:])
}

// keyLine is keylet::line: the accounts are ordered low then high.
func keyLine(a, b AccountID, currency [20]byte) Hash {
	if b.less(a) {
		a, b = b, a
	}
	return sha512Half(space(spaceRipple), a[:], b[:], currency[:])
}

// keyTicket is keylet::ticket.
func keyTicket(a AccountID, seq uint32) Hash {
	var b [4]byte
	binary.BigEndian.PutUint32(b[:], seq)
	return sha512Half(space(spaceTicket), a[:], b[:])
}

// keyFees is keylet::fees, the FeeSettings singleton.
func keyFees() Hash { return sha512Half(space(spaceFee)) }
