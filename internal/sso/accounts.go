package sso

import (
	"context"
	"fmt"
	"sort"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sso"
)

// Assignment is one account and role an IAM Identity Center token may sign in to.
type Assignment struct {
	AccountID, AccountName, RoleName string
}

// Assignments lists every account (ListAccounts) and every role in it (ListAccountRoles), all
// pages, sorted by account name, account id and role name so that the same answers always give
// the same list.
func Assignments(ctx context.Context, portal Portal, accessToken string) ([]Assignment, error) {
	var out []Assignment
	accounts := sso.NewListAccountsPaginator(portal, &sso.ListAccountsInput{AccessToken: aws.String(accessToken)})
	for accounts.HasMorePages() {
		page, err := accounts.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("sso: listing accounts: %w", err)
		}
		for _, a := range page.AccountList {
			roles := sso.NewListAccountRolesPaginator(portal, &sso.ListAccountRolesInput{
				AccessToken: aws.String(accessToken), AccountId: a.AccountId,
			})
			for roles.HasMorePages() {
				rp, err := roles.NextPage(ctx)
				if err != nil {
					return nil, fmt.Errorf("sso: listing the roles of account %s: %w", aws.ToString(a.AccountId), err)
				}
				for _, r := range rp.RoleList {
					out = append(out, Assignment{AccountID: aws.ToString(a.AccountId), AccountName: aws.ToString(a.AccountName), RoleName: aws.ToString(r.RoleName)})
				}
			}
		}
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.AccountName != b.AccountName {
			return a.AccountName < b.AccountName
		}
		if a.AccountID != b.AccountID {
			return a.AccountID < b.AccountID
		}
		return a.RoleName < b.RoleName
	})
	return out, nil
}
