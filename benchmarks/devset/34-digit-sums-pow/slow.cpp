#include <bits/stdc++.h>
using namespace std;

int main() {
    int n;
    cin >> n;
    long long total = 0;
    for (int i = 0; i < n; i++) {
        long long x;
        cin >> x;
        int len = to_string(x).size();
        int s = 0;
        for (int k = 0; k < len; k++) {
            s += (x / (long long)pow(10, k)) % 10;
        }
        total += s;
    }
    cout << total << endl;
}
