#include <bits/stdc++.h>
using namespace std;

int main() {
    int n, k; scanf("%d %d", &n, &k); vector<int> v(n); for (auto &x : v) scanf("%d", &x);
    sort(v.begin(), v.end(), greater<int>()); long long s = 0; for (int i = 0; i < k; i++) s += v[i];
    printf("%lld\n", s);
}
