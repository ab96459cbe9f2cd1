#include <bits/stdc++.h>
using namespace std;

int main() {
    int n; scanf("%d", &n); vector<int> v(n); for (auto &x : v) scanf("%d", &x);
    v.erase(remove_if(v.begin(), v.end(), [](int x) { return x % 3 == 0; }), v.end());
    long long s = 0; for (size_t i = 0; i < v.size(); i++) s += v[i] * (long long)(i + 1);
    printf("%zu %lld\n", v.size(), s);
}
