#include <bits/stdc++.h>
using namespace std;

int divisors(int x) {
    int c = 0;
    for (int d = 1; d * d <= x; d++) {
        if (x % d == 0) {
            c++;
            if (d != x / d) c++;
        }
    }
    return c;
}

int main() {
    int n;
    cin >> n;
    long long total = 0;
    for (int i = 1; i <= n; i++) total += divisors(i);
    cout << total << endl;
}
