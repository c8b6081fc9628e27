// A self-signed certificate and its key (EC P-256, CN gatehouse-plugin-testkit, valid until 2126), for validation only:
// `gatehouse translate` redacts private keys, so the kit puts this pair into TLS secrets before Envoy checks them.
export const TEST_CERTIFICATE = `-----BEGIN CERTIFICATE-----
MIIBnDCCAUOgAwIBAgIUA3rOPqWw0nLIn5HVZrA/6aq6DWQwCgYIKoZIzj0EAwIw
IzEhMB8GA1UEAwwYZ2F0ZWhvdXNlLXBsdWdpbi10ZXN0a2l0MCAXDTI2MTEyOTE1
MDcxOVoYDzIxMjYxMTA1MTUwNzE5WjAjMSEwHwYDVQQDDBhnYXRlaG91c2UtcGx1
Z2luLXRlc3RraXQwWTATBgcqhkjOPQIBBggqhkjOPQMBBwNCAASroPOy1ARJrZdj
O4gLj9vtyyEsHtGMINkCm7BNylm4sBRUWLXSTjmcZpz8NPDMi6SpNd9397KH8sYI
wwcOFF1Ro1MwUTAdBgNVHQ4EFgQU1rY5ZK3kYQtOfuG4twaTRrvRJxMwHwYDVR0j
BBgwFoAU1rY5ZK3kYQtOfuG4twaTRrvRJxMwDwYDVR0TAQH/BAUwAwEB/zAKBggq
hkjOPQQDAgNHADBEAiBoSdQH9A3FG5bahr+oFBjs8pvcnpQ8yB+FByOXw4n0qAIg
B4BiC8J43g53BNMCuXL19ufSRYsmcW8cNdXWqEdwvck=
-----END CERTIFICATE-----
`;
export const TEST_PRIVATE_KEY = `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg4W0JY1nnAwAA+IPW
Ytl41SprUlodmcSKSejKmVxrthShRANCAASroPOy1ARJrZdjO4gLj9vtyyEsHtGM
INkCm7BNylm4sBRUWLXSTjmcZpz8NPDMi6SpNd9397KH8sYIwwcOFF1R
-----END PRIVATE KEY-----
`;
