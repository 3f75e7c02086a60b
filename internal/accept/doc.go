// Package accept parses the HTTP Accept header (RFC 9110 §12.5.1) and picks
// the media type a client prefers among the ones a server offers.
//
// We do not use an existing Go library because the ones we tried get q=0,
// specificity or case wrong, or read only the first Accept field line.
//
// # Semantics
//
// Every Accept field line is read; each is a comma-separated list, optional
// whitespace may surround elements, and empty elements (", ,") are ignored.
// An element is a media range (*/*, type/* or type/subtype) with parameters
// (;name=value, the value a token or a quoted string with backslash escapes)
// and an optional weight ;q=qvalue (or ;Q=). Anything after the weight is an
// accept extension and is ignored. Type, subtype and parameter names are
// case-insensitive; parameter values are case-sensitive except charset. A
// quoted value equals its token form. A qvalue is 0[.ddd] or 1[.000]; q=0
// means "not acceptable".
//
// An offer takes the weight of the most specific range that matches it:
// type/subtype beats type/* beats */*, and at the same level a range with
// more parameters wins. A range with parameters matches only offers that
// carry all of them with equal values. Among equally specific matching
// ranges the highest weight counts (RFC 9110 leaves this open). Negotiate
// picks the offer with the highest non-zero weight; ties go to the earliest
// offer, so the server's order of preference decides.
//
// # Malformed input
//
// A malformed element (bad token characters, missing slash, a wildcard type
// with a concrete subtype such as */json, a qvalue such as abc or 1.5, a
// parameter name repeated within one range, an unterminated quoted string,
// more than 32 parameters, whitespace around "/" or "=", a quoted qvalue) is
// skipped as if absent, up to the next comma outside a quoted string; an
// unterminated quoted string thus runs to the end of its field line. If the
// header has elements but none is valid, it is treated as absent: anything
// is acceptable. A client that sent garbage gets the default representation
// rather than a 406 it cannot act on.
//
// # Cost
//
// Negotiate and Quality do not allocate, never panic and run in time linear
// in the header length times the number of offers, at a cost per byte that
// does not grow with the parameters of a range. Offers are parsed once, at
// setup, with ParseMediaType.
package accept
