#include <bits/stdc++.h>
using namespace std;

int main() {
    int n; scanf("%d", &n); deque<int> v;
    for (int i = 0; i < n; i++) { int x; scanf("%d", &x); if (x % 2) v.push_front(x); else v.push_back(x); }
    long long h = 0; for (int x : v) h = h * 1000003 + x;
    printf("%lld\n", h);
}
