#include <iostream>
#include <sstream>
#include <string>
using namespace std;

int main() {
    string line;
    long long total = 0;
    int lines = 0;
    while (getline(cin, line)) {
        istringstream in(line);
        long long x;
        while (in >> x) total += x;
        lines++;
    }
    cout << lines << " " << total << "\n";
    return 0;
}
