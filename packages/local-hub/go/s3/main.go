// Serves an S3-compatible API on a loopback port for the tests of Hostplane's backup stores: gofakes3
// (ListObjectsV2, multipart uploads) over a directory, so objects stay on disk, not in memory.
// gofakes3 accepts any request; this server checks each request's AWS Signature Version 4 against
// one access key, so the tests exercise the credentials a real S3 would refuse.
//
// It prints "listening on http://127.0.0.1:<port>" once it accepts connections: the launcher reads
// the port from that line, so no free port has to be guessed beforehand.
package main

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"net/url"
	"os"
	"sort"
	"strconv"
	"strings"

	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3afero"
	"github.com/spf13/afero"
)

func main() {
	root := flag.String("root", "", "directory that holds the buckets and their metadata (required)")
	listen := flag.String("listen", "127.0.0.1:0", "address to listen on; port 0 picks a free one")
	buckets := flag.String("buckets", "", "comma-separated buckets to create at start")
	accessKeyID := flag.String("access-key-id", "", "the only access key accepted (required)")
	flag.Parse()
	// The secret comes from the environment, not a flag: arguments are visible to every user in ps.
	secretAccessKey := os.Getenv("S3_SECRET_ACCESS_KEY")
	if *root == "" || *accessKeyID == "" || secretAccessKey == "" {
		log.Fatal("-root, -access-key-id and S3_SECRET_ACCESS_KEY in the environment are required")
	}

	if err := os.MkdirAll(*root, 0o700); err != nil {
		log.Fatal(err)
	}
	backend, err := s3afero.MultiBucket(afero.NewBasePathFs(afero.NewOsFs(), *root))
	if err != nil {
		log.Fatal(err)
	}
	for _, bucket := range strings.Split(*buckets, ",") {
		if bucket == "" {
			continue
		}
		if err := backend.CreateBucket(bucket); err != nil && !gofakes3.IsAlreadyExists(err) {
			log.Fatalf("cannot create bucket %q: %v", bucket, err)
		}
	}
	faker := gofakes3.New(backend, gofakes3.WithLogger(gofakes3.DiscardLog()))

	listener, err := net.Listen("tcp", *listen)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("listening on http://%s\n", listener.Addr())
	handler := requireSignature(*accessKeyID, secretAccessKey, faker.Server())
	log.Fatal(http.Serve(listener, handler))
}

// requireSignature answers 403 unless the request carries a valid SigV4 Authorization header for
// accessKeyID. Presigned URLs are not supported: the backup stores do not use them.
func requireSignature(accessKeyID, secret string, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if code, message := verify(r, accessKeyID, secret); code != "" {
			w.Header().Set("Content-Type", "application/xml")
			w.WriteHeader(http.StatusForbidden)
			fmt.Fprintf(w, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>%s</Code><Message>%s</Message></Error>", code, message)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// verify recomputes the request's signature as AWS documents it: canonical request, string to
// sign, signing key derived from the secret, date, region and service.
func verify(r *http.Request, accessKeyID, secret string) (code, message string) {
	auth := r.Header.Get("Authorization")
	const algorithm = "AWS4-HMAC-SHA256 "
	if !strings.HasPrefix(auth, algorithm) {
		return "AccessDenied", "the request is not signed with AWS Signature Version 4"
	}
	fields := map[string]string{}
	for _, part := range strings.Split(strings.TrimPrefix(auth, algorithm), ",") {
		if key, value, ok := strings.Cut(strings.TrimSpace(part), "="); ok {
			fields[key] = value
		}
	}
	scope := strings.Split(fields["Credential"], "/")
	if len(scope) != 5 {
		return "AuthorizationHeaderMalformed", "the Credential of the Authorization header is malformed"
	}
	if scope[0] != accessKeyID {
		return "InvalidAccessKeyId", "the access key id does not exist"
	}
	signedHeaders := strings.Split(fields["SignedHeaders"], ";")
	var canonicalHeaders strings.Builder
	for _, name := range signedHeaders {
		value := r.Header.Get(name)
		switch {
		case name == "host":
			value = r.Host // Go keeps the Host header out of r.Header
		case name == "content-length" && value == "":
			value = strconv.FormatInt(r.ContentLength, 10)
		}
		canonicalHeaders.WriteString(name + ":" + strings.Join(strings.Fields(value), " ") + "\n")
	}
	payloadHash := r.Header.Get("X-Amz-Content-Sha256")
	if payloadHash == "" {
		payloadHash = "UNSIGNED-PAYLOAD"
	}
	canonicalRequest := strings.Join([]string{
		r.Method,
		r.URL.EscapedPath(),
		canonicalQuery(r.URL.Query()),
		canonicalHeaders.String(),
		fields["SignedHeaders"],
		payloadHash,
	}, "\n")
	credentialScope := strings.Join(scope[1:], "/")
	stringToSign := strings.Join([]string{
		"AWS4-HMAC-SHA256",
		r.Header.Get("X-Amz-Date"),
		credentialScope,
		hexSHA256([]byte(canonicalRequest)),
	}, "\n")
	key := []byte("AWS4" + secret)
	for _, part := range scope[1:] {
		key = hmacSHA256(key, part)
	}
	expected := hex.EncodeToString(hmacSHA256(key, stringToSign))
	if !hmac.Equal([]byte(expected), []byte(fields["Signature"])) {
		return "SignatureDoesNotMatch", "the request signature does not match the one computed with the access key's secret"
	}
	return "", ""
}

func canonicalQuery(values url.Values) string {
	var pairs []string
	for key, list := range values {
		for _, value := range list {
			pairs = append(pairs, uriEncode(key)+"="+uriEncode(value))
		}
	}
	sort.Strings(pairs)
	return strings.Join(pairs, "&")
}

// uriEncode encodes everything but RFC 3986's unreserved characters, as SigV4 requires.
func uriEncode(s string) string {
	var b strings.Builder
	for _, c := range []byte(s) {
		if ('A' <= c && c <= 'Z') || ('a' <= c && c <= 'z') || ('0' <= c && c <= '9') || c == '-' || c == '_' || c == '.' || c == '~' {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}

func hmacSHA256(key []byte, data string) []byte {
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(data))
	return mac.Sum(nil)
}

func hexSHA256(data []byte) string {
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}
