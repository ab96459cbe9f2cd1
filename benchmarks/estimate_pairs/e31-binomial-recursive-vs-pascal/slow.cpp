#include <bits/stdc++.h>
using namespace std;

long long C(int n, int k) { if (k == 0 || k == n) return 1; return (C(n - 1, k - 1) + C(n - 1, k)) % 1000000007; }
int main() { int q; scanf("%d", &q); while (q--) { int n, k; scanf("%d %d", &n, &k); printf("%lld\n", C(n, k)); } }
