#include <bits/stdc++.h>
using namespace std;

int main() {
    int n; scanf("%d", &n); string s;
    for (int i = 0; i < n; i++) s.insert(s.begin(), char('a' + (i * 7) % 26));
    long long h = 0; for (char c : s) h = (h * 131 + c) % 1000000007; printf("%zu %lld\n", s.size(), h);
}
