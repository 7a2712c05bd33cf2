package ticket

// What the ticket rules compute for a caller — their permissions and the data
// fields they see — is asked for several times while one page is built (the
// guard of the data, the list, the form) and kept on the request's caller
// (caller.Memo), so it is read once. A change of permissions, standard fields
// or data fields through the service drops what the caller keeps.

// memoKey names what the ticket rules keep on a caller.
type memoKey int

const (
	memoPerms  memoKey = iota // Perms
	memoFields                // []*Field
)
