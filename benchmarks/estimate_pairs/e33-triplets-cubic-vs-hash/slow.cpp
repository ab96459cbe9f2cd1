#include <bits/stdc++.h>
using namespace std;

int main() {
    int n, k; scanf("%d %d", &n, &k); vector<int> a(n); for (auto &x : a) scanf("%d", &x); long long c = 0;
    for (int i = 0; i < n; i++) for (int j = i + 1; j < n; j++) for (int l = j + 1; l < n; l++) c += a[i] + a[j] + a[l] == k;
    printf("%lld\n", c);
}
