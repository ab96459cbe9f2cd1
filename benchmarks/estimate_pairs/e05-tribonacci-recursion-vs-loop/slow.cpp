#include <bits/stdc++.h>
using namespace std;

long long t(int n) { return n < 3 ? (n == 2) : (t(n - 1) + t(n - 2) + t(n - 3)) % 1000000007; }
int main() { int n; scanf("%d", &n); printf("%lld\n", t(n)); }
