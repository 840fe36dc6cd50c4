package bridge

import (
	"strconv"

	"github.com/aws-profile-bridge/aws-profile-bridge/internal/apierr"
	"github.com/aws-profile-bridge/aws-profile-bridge/internal/profiles"
)

// ProfileListReply builds {"action":"profileList","profiles":[…],"total":N,…} within MaxReply.
//
// offset/limit select a page (limit 0: as many as fit). When the selection does not fit with every
// field, the profiles are sent with the extension's keys only ("compact":true: name,
// has_credentials, expiration, expired, is_sso, the sso_* keys, aws_region, color, icon); when even that
// does not fit, the list is cut at the last profile that fits and "next_offset" tells a new client
// where to continue ("truncated":true). An old client that sends neither field still gets a valid
// reply under 1 MB.
func ProfileListReply(list []profiles.Profile, warnings []string, offset, limit int) ([]byte, error) {
	total := len(list)
	if err := checkPage(offset, limit); err != nil {
		return nil, err
	}
	offset = min(offset, total)
	end := total
	if limit > 0 && limit < end-offset { // not offset+limit: that overflows for a huge limit
		end = offset + limit
	}
	page := list[offset:end]

	// One buffer: the head, then the profiles with every field; when those pass MaxReply, the
	// same head is followed by the compact form instead. Profiles are appended by hand
	// (encode.go); the output is what json.Marshal gives.
	b := make([]byte, 0, min(MaxReply+1024, 512+len(page)*estimatedProfileSize))
	b = append(b, `{"action":"profileList","total":`...)
	b = strconv.AppendInt(b, int64(total), 10)
	b = append(b, `,"offset":`...)
	b = strconv.AppendInt(b, int64(offset), 10)
	if len(warnings) > 0 {
		w := appendJSONStrings(nil, warnings)
		if len(w) > 64<<10 {
			w = []byte(`["too many warnings to list; run aws-profile-bridge profiles"]`)
		}
		b = append(b, `,"warnings":`...)
		b = append(b, w...)
	}
	b = append(b, `,"profiles":[`...)
	head := len(b)
	tail := func(b []byte, compactForm, truncated bool, next int) []byte {
		b = append(b, ']')
		if compactForm {
			b = append(b, `,"compact":true`...)
		}
		if next < total {
			b = append(b, `,"next_offset":`...)
			b = strconv.AppendInt(b, int64(next), 10)
		}
		if truncated {
			b = append(b, `,"truncated":true`...)
		}
		return append(b, '}')
	}

	// Fast path: the whole page with every field, if it fits.
	fits := true
	for i := range page {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendProfile(b, &page[i], false)
		if len(b) > MaxReply {
			fits = false
			break
		}
	}
	if fits {
		if b = tail(b, false, false, end); len(b) <= MaxReply {
			return b, nil
		}
	}

	// Compact form, cut at the last profile that fits.
	b = b[:head]
	const reserve = 128 // room for the tail
	n := 0
	for i := range page {
		mark := len(b)
		if n > 0 {
			b = append(b, ',')
		}
		b = appendProfile(b, &page[i], true)
		item := len(b) - mark - min(n, 1)
		if mark+item+1+reserve > MaxReply {
			b = b[:mark]
			break
		}
		n++
	}
	return tail(b, true, offset+n < end, offset+n), nil
}

// checkPage is the one rule for paging values: never negative; past the end they are clamped.
func checkPage(offset, limit int) error {
	if offset < 0 || limit < 0 {
		return apierr.New(apierr.CodeInvalidRequest, "offset and limit must not be negative")
	}
	return nil
}

// estimatedProfileSize is a generous size of one profile in the reply, for the first allocation.
const estimatedProfileSize = 384
