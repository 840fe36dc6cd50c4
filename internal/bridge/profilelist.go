package bridge

import (
	"bytes"
	"encoding/json"
	"strconv"

	"github.com/aws-profile-bridge/aws-profile-bridge/internal/profiles"
)

// compactProfile holds only the keys the extension reads; a list that does not fit in MaxReply
// with every field is sent in this form first.
type compactProfile struct {
	Name           string  `json:"name"`
	HasCredentials bool    `json:"has_credentials"`
	Expiration     *string `json:"expiration"`
	Expired        bool    `json:"expired"`
	IsSSO          bool    `json:"is_sso"`
	SSOStartURL    string  `json:"sso_start_url,omitempty"`
	SSOSession     string  `json:"sso_session,omitempty"`
	SSORegion      string  `json:"sso_region,omitempty"`
	SSOAccountID   string  `json:"sso_account_id,omitempty"`
	SSORoleName    string  `json:"sso_role_name,omitempty"`
	AWSRegion      string  `json:"aws_region,omitempty"`
	Color          string  `json:"color"`
	Icon           string  `json:"icon"`
}

func compact(p *profiles.Profile) compactProfile {
	return compactProfile{p.Name, p.HasCredentials, p.Expiration, p.Expired, p.IsSSO, p.SSOStartURL,
		p.SSOSession, p.SSORegion, p.SSOAccountID, p.SSORoleName, p.AWSRegion, p.Color, p.Icon}
}

// ProfileListReply builds {"action":"profileList","profiles":[…],"total":N,…} within MaxReply.
//
// offset/limit select a page (limit 0: as many as fit). When the selection does not fit with every
// field, the profiles are sent with the extension's keys only ("compact":true); when even that
// does not fit, the list is cut at the last profile that fits and "next_offset" tells a new client
// where to continue ("truncated":true). An old client that sends neither field still gets a valid
// reply under 1 MB.
func ProfileListReply(list []profiles.Profile, warnings []string, offset, limit int) ([]byte, error) {
	total := len(list)
	if offset > total {
		offset = total
	}
	end := total
	if limit > 0 && offset+limit < end {
		end = offset + limit
	}
	page := list[offset:end]

	head := func(b *bytes.Buffer) {
		b.WriteString(`{"action":"profileList","total":`)
		b.WriteString(strconv.Itoa(total))
		b.WriteString(`,"offset":`)
		b.WriteString(strconv.Itoa(offset))
		if len(warnings) > 0 {
			w, _ := json.Marshal(warnings)
			if len(w) > 64<<10 {
				w = []byte(`["too many warnings to list; run aws-profile-bridge profiles"]`)
			}
			b.WriteString(`,"warnings":`)
			b.Write(w)
		}
	}
	tail := func(b *bytes.Buffer, compactForm, truncated bool, next int) {
		b.WriteString("]")
		if compactForm {
			b.WriteString(`,"compact":true`)
		}
		if next < total {
			b.WriteString(`,"next_offset":`)
			b.WriteString(strconv.Itoa(next))
		}
		if truncated {
			b.WriteString(`,"truncated":true`)
		}
		b.WriteString("}")
	}

	// Fast path: the whole page with every field.
	if full, err := json.Marshal(page); err == nil {
		var b bytes.Buffer
		b.Grow(len(full) + 256)
		head(&b)
		b.WriteString(`,"profiles":[`)
		if len(page) > 0 {
			b.Write(full[1 : len(full)-1]) // the items, without the brackets
		}
		tail(&b, false, false, end)
		if b.Len() <= MaxReply {
			return b.Bytes(), nil
		}
	} else {
		return nil, &Error{Code: CodeInternal, Message: "cannot encode the profile list", Err: err}
	}

	// Compact form, cut at the last profile that fits.
	var b bytes.Buffer
	b.Grow(MaxReply)
	head(&b)
	b.WriteString(`,"profiles":[`)
	const reserve = 128 // room for the tail
	n := 0
	for i := range page {
		item, err := json.Marshal(compact(&page[i]))
		if err != nil {
			return nil, &Error{Code: CodeInternal, Message: "cannot encode the profile list", Err: err}
		}
		if b.Len()+len(item)+1+reserve > MaxReply {
			break
		}
		if n > 0 {
			b.WriteByte(',')
		}
		b.Write(item)
		n++
	}
	tail(&b, true, offset+n < end, offset+n)
	return b.Bytes(), nil
}
