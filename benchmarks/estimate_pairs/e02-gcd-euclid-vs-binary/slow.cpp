#include <bits/stdc++.h>
using namespace std;

long long g(long long a, long long b) { return b ? g(b, a % b) : a; }
int main() {
    int n; scanf("%d", &n);
    vector<long long> a(n); for (auto &x : a) scanf("%lld", &x);
    long long s = 0;
    for (int i = 0; i < n; i++) for (int j = i + 1; j < n; j++) s += g(a[i], a[j]);
    printf("%lld\n", s);
}
