#include <bits/stdc++.h>
using namespace std;

int main() {
    int n;
    scanf("%d", &n);
    vector<long long> v(n);
    for (auto &x : v) scanf("%lld", &x);
    sort(v.begin(), v.end());
    v.erase(unique(v.begin(), v.end()), v.end());
    long long s = 0;
    for (long long x : v) s += x;
    printf("%zu %lld\n", v.size(), s);
}
