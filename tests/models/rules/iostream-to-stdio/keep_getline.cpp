#include <iostream>
#include <string>
using namespace std;

int main() {
    int n;
    cin >> n;
    string line;
    getline(cin, line);  // the stream is used beyond >> and <<
    cout << n << line.size() << endl;
}
