#include <iostream>
#include <string>
using namespace std;

int main() {
    int n;
    cin >> n;
    long long total = 0;
    for (int x = 1; x <= n; x++) {
        string digits = to_string(x);
        for (char c : digits) total += c - '0';
    }
    cout << total << "\n";
    return 0;
}
