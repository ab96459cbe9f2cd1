#include <bits/stdc++.h>
using namespace std;

int main() {
    int n, steps; scanf("%d %d", &n, &steps); vector<int> a(n), b(n); for (auto &x : a) scanf("%d", &x);
    for (int s = 0; s < steps; s++) { for (int i = 0; i < n; i++) b[i] = (a[i] + a[(i + 1) % n]) % 1000; a = b; }
    long long t = 0; for (int x : a) t += x; printf("%lld\n", t);
}
