#include <bits/stdc++.h>
using namespace std;

int main() {
    int n; scanf("%d", &n); vector<unsigned char> ops(n); for (auto &o : ops) { int t; scanf("%d", &t); o = t; }
    long long x = 1;
    for (int r = 0; r < 20; r++) for (auto o : ops) x = o == 0 ? x + 3 : o == 1 ? x * 3 % 1000003 : x ^ 0x5555;
    printf("%lld\n", x);
}
