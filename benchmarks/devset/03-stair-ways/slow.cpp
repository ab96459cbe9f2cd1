#include <bits/stdc++.h>
using namespace std;

long long ways(int n) {
    if (n < 0) return 0;
    if (n == 0) return 1;
    return ways(n - 1) + ways(n - 2) + ways(n - 3);
}

int main() {
    int t;
    cin >> t;
    while (t--) {
        int n;
        cin >> n;
        cout << ways(n) << '\n';
    }
}
