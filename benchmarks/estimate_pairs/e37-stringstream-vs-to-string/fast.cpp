#include <bits/stdc++.h>
using namespace std;

int main() {
    int n; scanf("%d", &n); long long len = 0, h = 0;
    for (int i = 0; i < n; i++) { string s = to_string(i * 7919LL); len += s.size(); h = h * 131 + s.back(); }
    printf("%lld %lld\n", len, h);
}
