// Package bind decodes and validates request input for chi handlers: JSON
// bodies (Body and BodyFrom where the route is declared, DecodeJSON or a
// JSONDecoder in a handler), typed path parameters (ValidatePath, PathParam)
// and query parameters (ValidateQuery, QueryParam). The middleware forms put
// the input in the route's contract (package contract). Every way the input
// can be wrong is one RFC 9457 problem: 400 with the JSON Pointer or parameter
// name of each bad field, 413 for a body over the limit, 415 for a body in
// another format.
//
// It is the only chiguard package that imports a validator
// (github.com/go-playground/validator/v10): programs that do not decode
// input with it do not link one.
package bind
